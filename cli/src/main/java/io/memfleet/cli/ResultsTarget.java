package io.memfleet.cli;

import io.memfleet.report.ResultsLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Where a command writes a results directory, claimed before any work starts and replaced as a
 * whole at the end. The target must be new, empty, or (with {@code --force}) memfleet's own
 * results; a file, an unwritable place or a directory holding anything else is refused naming the
 * flag. A POSIX lock on a file beside the target ({@code .NAME.memfleet-lock}, held by the OS for as
 * long as the process lives; the small file itself stays) keeps a second run out. Everything is
 * written into a staging directory beside the target ({@code .NAME.memfleet-tmp-PID}) and moved
 * into place by {@link #commit()}, so a
 * failed or interrupted run leaves the previous results or none, never a mix, and a run deletes
 * nothing it did not write.
 */
final class ResultsTarget implements AutoCloseable {
    private final Path target;
    private final FileChannel lockFile;
    private final FileLock lock;
    /**
     * Targets this JVM holds. A POSIX lock belongs to the process, and closing any descriptor of the
     * file lets it go, so a second claim from the same JVM must not even open the lock file.
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path staging;
    private boolean committed;

    private ResultsTarget(Path target, FileChannel lockFile, FileLock lock, Path staging) {
        this.target = target;
        this.lockFile = lockFile;
        this.lock = lock;
        this.staging = staging;
    }

    /** Checks and locks {@code out} (given as {@code flag}) and makes its staging directory. */
    static ResultsTarget claim(Path out, String flag, boolean force) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw refused(flag, out, "is the file system's root");
        }
        check(target, flag, out, force);
        makeParent(parent, flag, out);
        if (!Files.isWritable(parent) || !Files.isWritable(target) && Files.exists(target)) {
            throw refused(flag, out, "is not writable");
        }
        String name = target.getFileName().toString();
        if (!HELD.add(target)) {
            throw refused(flag, out, "is being written by another memfleet run (pid " + ProcessHandle.current().pid()
                    + ", this process)");
        }
        FileChannel ch = null;
        try {
            Path lockPath = parent.resolve("." + name + ".memfleet-lock");
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = lock(ch, lockPath, flag, out);
            check(target, flag, out, force); // again, now that no other run can change it
            removeLeftovers(parent, name);
            Path staging = parent.resolve("." + name + ".memfleet-tmp-" + ProcessHandle.current().pid());
            Files.createDirectory(staging);
            Shutdown.process().temporary(staging);
            return new ResultsTarget(target, ch, lock, staging);
        } catch (UserError | IOException e) {
            closeQuietly(ch);
            HELD.remove(target);
            throw e instanceof UserError u ? u : refused(flag, out, "cannot be written ("
                    + (e instanceof FileSystemException f ? reason(f) : e.getMessage()) + ")");
        }
    }

    private static void makeParent(Path parent, String flag, Path out) {
        try {
            Files.createDirectories(parent);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            Path file = parent;
            while (file.getParent() != null && !Files.isRegularFile(file)) {
                file = file.getParent();
            }
            throw refused(flag, out, file + " is a file, not a directory");
        } catch (FileSystemException e) {
            throw refused(flag, out, "its parent cannot be created (" + reason(e) + ")");
        } catch (IOException e) {
            throw refused(flag, out, "its parent cannot be created (" + e.getMessage() + ")");
        }
        if (!Files.isDirectory(parent)) {
            throw refused(flag, out, parent + " is not a directory");
        }
    }

    /** Takes the lock on the open file, writing this process's pid in it; refused naming the holder's pid. */
    private static FileLock lock(FileChannel ch, Path lockPath, String flag, Path out) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock == null) {
            // this process holds no lock on the file, so reading it through another descriptor is safe
            String pid = new String(Files.readAllBytes(lockPath), StandardCharsets.UTF_8).trim();
            throw refused(flag, out, "is being written by another memfleet run (pid "
                    + (pid.isEmpty() ? "unknown" : pid) + ")");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return lock;
    }

    private static void check(Path target, String flag, Path out, boolean force) {
        ResultsLayout.Verdict v;
        try {
            v = ResultsLayout.inspect(target);
        } catch (AccessDeniedException e) {
            throw refused(flag, out, "cannot be read (permission denied)");
        } catch (IOException e) {
            throw refused(flag, out, "cannot be read (" + e.getMessage() + ")");
        }
        switch (v.kind()) {
            case NOT_A_DIRECTORY -> throw refused(flag, out, "is a file, not a directory");
            case FOREIGN -> throw refused(flag, out, "holds files memfleet did not write ("
                    + String.join(", ", v.foreign().subList(0, Math.min(5, v.foreign().size())))
                    + (v.foreign().size() > 5 ? ", ..." : "") + "); name a new or empty directory");
            case RESULTS -> {
                if (!force) {
                    throw refused(flag, out, "holds the results of an earlier run; --force replaces them, "
                            + "or name a new directory");
                }
            }
            default -> { }
        }
    }

    /** Staging directories of runs that were killed before they could remove them (this lock says none runs). */
    private static void removeLeftovers(Path parent, String name) throws IOException {
        String prefix = "." + name + ".memfleet-";
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix + "tmp-") || n.startsWith(prefix + "old-")) {
                    Bootstrap.deleteTree(p);
                }
            }
        }
    }

    private static UserError refused(String flag, Path out, String why) {
        return new UserError(flag + " " + out + ": " + why, 2);
    }

    private static String reason(FileSystemException e) {
        return e instanceof AccessDeniedException ? "permission denied"
                : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    /** Where the results are written until {@link #commit()}. */
    Path staging() {
        return staging;
    }

    /** Moves the staged results into place, replacing what was there (empty, or earlier results with --force). */
    void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".memfleet-old-" + ProcessHandle.current().pid());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // the earlier results stay
            }
            throw e;
        }
        committed = true;
        Shutdown.process().notTemporary(staging);
        if (old != null) {
            Bootstrap.deleteTree(old);
        }
    }

    /** Removes the staging directory unless committed, and gives up the lock. */
    @Override
    public void close() {
        if (!committed) {
            Bootstrap.deleteTree(staging);
            Shutdown.process().notTemporary(staging);
        }
        try {
            lock.release(); // the file stays: deleting it while others may have it open would let two runs in
        } catch (IOException e) {
            // the lock goes with the channel
        }
        closeQuietly(lockFile);
        HELD.remove(target);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing held
            }
        }
    }
}
