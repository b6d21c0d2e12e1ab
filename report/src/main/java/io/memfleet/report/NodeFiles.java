package io.memfleet.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reads the per-node files ({@code nodes/NAME.txt}: control files under {@code ==> PATH <==} headers). */
final class NodeFiles {
    private static final String KMEM = "memory.kmem.usage_in_bytes";

    private NodeFiles() {
    }

    /** The {@code limit} (node, cgroup) pairs with the most kernel memory, largest first. */
    static List<ResultsDir.NodeKmem> topKmem(Path nodes, int limit) throws IOException, ResultsDirException {
        List<ResultsDir.NodeKmem> all = new ArrayList<>();
        if (!Files.isDirectory(nodes)) {
            return all;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(nodes)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        for (Path f : files) {
            String node = f.getFileName().toString().replaceFirst("\\.txt$", "");
            read(f, node, all);
        }
        all.sort(Comparator.comparingLong(ResultsDir.NodeKmem::kmemUsage).reversed()
                .thenComparing(ResultsDir.NodeKmem::node).thenComparing(ResultsDir.NodeKmem::cgroup));
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    private static void read(Path f, String node, List<ResultsDir.NodeKmem> out) throws IOException, ResultsDirException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String cgroup = null;
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.startsWith("==> ") && line.endsWith(" <==")) {
                    String path = line.substring(4, line.length() - 4);
                    cgroup = path.endsWith("/" + KMEM) ? cgroupOf(path) : null;
                } else if (cgroup != null) {
                    try {
                        out.add(new ResultsDir.NodeKmem(node, cgroup, Long.parseLong(line.trim())));
                    } catch (NumberFormatException e) {
                        throw new ResultsDirException(f + ":" + lineNo + ": " + KMEM + " is not a number: " + line);
                    }
                    cgroup = null;
                }
            }
        }
    }

    private static String cgroupOf(String controlFile) {
        String dir = controlFile.substring(0, controlFile.length() - KMEM.length() - 1);
        return dir.isEmpty() ? "/" : dir;
    }
}
