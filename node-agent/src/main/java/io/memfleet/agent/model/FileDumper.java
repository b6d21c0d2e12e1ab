package io.memfleet.agent.model;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.fs.CgroupFs;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.proto.v1.FileDump;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every readable control file of every cgroup, plus /proc/slabinfo and /proc/meminfo, as the kernel prints them. */
public final class FileDumper {
    private FileDumper() {
    }

    public static List<FileDump> dump(Kernel k) {
        List<FileDump> out = new ArrayList<>();
        List<MemCgroup> groups = new ArrayList<>(k.memController().all());
        groups.sort(Comparator.comparing(MemCgroup::path));
        for (MemCgroup g : groups) {
            String dir = g.isRoot() ? "" : g.path();
            for (String f : CgroupFs.FILES) {
                FileResult r = k.readFile(dir + "/" + f);
                if (!r.errno().isError()) {
                    out.add(FileDump.newBuilder().setPath(dir + "/" + f).setContent(r.text()).build());
                }
            }
        }
        for (String p : List.of("/proc/meminfo", "/proc/slabinfo")) {
            out.add(FileDump.newBuilder().setPath(p).setContent(k.readFile(p).text()).build());
        }
        return out;
    }
}
