package io.memfleet.kernel;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.fs.CgroupFs;
import io.memfleet.kernel.fs.ControlFiles;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import java.nio.charset.StandardCharsets;

/**
 * Path lookup for the script's file system: the memory cgroup hierarchy mounted at "/" (cgroup
 * directories and their control files) and the few /proc files the simulator provides.
 */
final class Vfs {
    private final MemController mc;
    private final CgroupFs cgroupFs;
    private final ProcFs procFs;
    private final ImageBuilder images;

    Vfs(MemController mc, CgroupFs cgroupFs, ProcFs procFs, ImageBuilder images) {
        this.mc = mc;
        this.cgroupFs = cgroupFs;
        this.procFs = procFs;
        this.images = images;
    }

    /** Resolves a cgroup directory path, or null. */
    MemCgroup resolve(String path) {
        MemCgroup g = mc.root();
        int i = 0;
        int n = path.length();
        while (i < n) {
            while (i < n && path.charAt(i) == '/') {
                i++;
            }
            int start = i;
            while (i < n && path.charAt(i) != '/') {
                i++;
            }
            if (start == i) {
                break;
            }
            g = MemController.child(g, path.substring(start, i));
            if (g == null) {
                return null;
            }
        }
        return g;
    }

    private static String parentPath(String path) {
        String p = stripTrailing(path);
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "/" : p.substring(0, slash);
    }

    private static String baseName(String path) {
        String p = stripTrailing(path);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static String stripTrailing(String path) {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    /** NAME_MAX and PATH_MAX of Linux: longer names and paths fail the lookup. */
    static final int NAME_MAX = 255;
    static final int PATH_MAX = 4096;

    /** Whether a component of {@code path} is longer than NAME_MAX bytes, or the path than PATH_MAX. */
    // kernel: fs/namei.c link_path_walk() / getname(): -ENAMETOOLONG
    static boolean nameTooLong(String path) {
        if (path.length() >= PATH_MAX / 4 && path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            return true;
        }
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i - start > NAME_MAX / 4 && path.substring(start, i).getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    Errno mkdir(String path) {
        if (nameTooLong(path)) {
            return Errno.ENAMETOOLONG;
        }
        String name = baseName(path);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return Errno.EEXIST;
        }
        MemCgroup parent = resolve(parentPath(path));
        if (parent == null) {
            return Errno.ENOENT;
        }
        if (ControlFiles.isControlFile(name)) {
            return Errno.EEXIST;
        }
        return mc.mkdir(parent, name);
    }

    Errno rmdir(String path) {
        if (nameTooLong(path)) {
            return Errno.ENAMETOOLONG;
        }
        if (baseName(path).isEmpty()) {
            return Errno.EBUSY;
        }
        MemCgroup g = resolve(path);
        if (g == null) {
            MemCgroup parent = resolve(parentPath(path));
            return parent != null && ControlFiles.isControlFile(baseName(path)) ? Errno.ENOTDIR : Errno.ENOENT;
        }
        return mc.rmdir(g);
    }

    FileResult read(String path) {
        if (nameTooLong(path)) {
            return FileResult.of(Errno.ENAMETOOLONG);
        }
        FileResult proc = procFs.read(path);
        if (proc != null) {
            return proc;
        }
        ControlFile f = lookup(path);
        return f.errno != null ? FileResult.of(f.errno)
                : ControlFiles.read(images.cgroup(f.dir), images::caches, f.name);
    }

    Errno write(String path, String value) {
        if (nameTooLong(path)) {
            return Errno.ENAMETOOLONG;
        }
        Errno proc = procFs.write(path, value);
        if (proc != null) {
            return proc;
        }
        ControlFile f = lookup(path);
        return f.errno != null ? f.errno : cgroupFs.write(f.dir, f.name, value);
    }

    /** A watcher registers an eventfd on a control file through cgroup.event_control. */
    // kernel: kernel/cgroup.c cgroup_write_event_control() with the control file opened by path
    Errno watch(String path, String threshold) {
        if (nameTooLong(path)) {
            return Errno.ENAMETOOLONG;
        }
        ControlFile f = lookup(path);
        if (f.errno != null) {
            return f.errno == Errno.EISDIR ? Errno.EINVAL : f.errno; // a directory is no cgroup control file
        }
        if (!ControlFiles.isControlFile(f.name)) {
            return Errno.ENOENT;
        }
        return cgroupFs.registerEvent(f.dir, f.name, threshold);
    }

    /** A control-file path split into its cgroup directory and file name, or why it is not one. */
    private record ControlFile(MemCgroup dir, String name, Errno errno) { }

    private ControlFile lookup(String path) {
        MemCgroup dir = resolve(parentPath(path));
        String name = baseName(path);
        if (dir == null) {
            return new ControlFile(null, name, Errno.ENOENT);
        }
        if (name.isEmpty() || MemController.child(dir, name) != null) {
            return new ControlFile(dir, name, Errno.EISDIR);
        }
        return new ControlFile(dir, name, null);
    }
}
