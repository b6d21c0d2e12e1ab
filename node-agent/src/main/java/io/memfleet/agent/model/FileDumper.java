package io.memfleet.agent.model;

import io.memfleet.kernel.fs.ControlFiles;
import io.memfleet.kernel.fs.FileText;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.proto.v1.FileDump;
import java.util.ArrayList;
import java.util.List;

/** Every readable control file of every cgroup, plus /proc/slabinfo and /proc/meminfo, as the kernel prints them. */
public final class FileDumper {
    private FileDumper() {
    }

    public static List<FileDump> dump(NodeImage k) {
        List<FileDump> out = new ArrayList<>();
        for (FileText f : ControlFiles.dump(k)) {
            out.add(FileDump.newBuilder().setPath(f.path()).setContent(f.content()).build());
        }
        return out;
    }
}
