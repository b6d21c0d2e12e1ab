package io.memfleet.kernel.api;

/** The errno values the simulated kernel returns, printed by their symbolic names. */
public enum Errno {
    OK(0), EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), E2BIG(7), EBADF(9), ENOMEM(12), EACCES(13),
    EFAULT(14), EBUSY(16), EEXIST(17), ENOTDIR(20), EISDIR(21), EINVAL(22), ENOSPC(28), ERANGE(34), ENAMETOOLONG(36),
    ENOTEMPTY(39);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isError() {
        return this != OK;
    }
}
