package io.memfleet.bench;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.script.ScriptRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replays a generated script of N memory commands (parsing included) on one core and prints
 * commands per second. Usage: ReplayBench [commands] [rounds].
 */
public final class ReplayBench {
    private ReplayBench() {
    }

    /** A workload of anon/file/dentry/kmalloc commands over 8 cgroups and 32 tasks, with occasional ticks. */
    static List<String> script(int commands, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(commands + 64);
        lines.add("node cpus=2 mem=8G swap=1G seed=" + seed);
        for (int g = 0; g < 8; g++) {
            lines.add("mkdir /g" + g);
            lines.add("echo " + (64 + 16 * g) + "M > /g" + g + "/memory.limit_in_bytes");
        }
        for (int p = 1; p <= 32; p++) {
            lines.add("spawn " + p + " /g" + (p % 8) + " cpu=" + (p % 2));
        }
        int[] held = new int[33];
        while (lines.size() < commands) {
            int p = 1 + r.nextInt(32);
            int x = r.nextInt(100);
            if (x < 40) {
                int kb = 4 * (1 + r.nextInt(8));
                if (held[p] > 4096 && r.nextBoolean()) {
                    lines.add("anon " + p + " -" + kb + "K");
                    held[p] -= kb;
                } else {
                    lines.add("anon " + p + " +" + kb + "K");
                    held[p] += kb;
                }
            } else if (x < 60) {
                lines.add("file " + p + (r.nextInt(3) == 0 ? " -" : " +") + (4 * (1 + r.nextInt(4))) + "K");
            } else if (x < 75) {
                lines.add("dentry " + p + (r.nextInt(3) == 0 ? " -" : " +") + (1 + r.nextInt(4)));
            } else if (x < 95) {
                lines.add("kmalloc " + p + " " + (32 << r.nextInt(5)) + (r.nextInt(2) == 0 ? " -" : " +") + (1 + r.nextInt(3)));
            } else {
                lines.add("tick " + (1 + r.nextInt(50)) + "ms");
            }
        }
        return lines;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<String> lines = script(n, 42);
        System.out.printf("script: %d commands%n", lines.size());
        long best = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            StringBuilder sink = new StringBuilder();
            long t0 = System.nanoTime();
            ScriptRunner.Result res = ScriptRunner.run(lines.iterator(), KernelConfig.DEFAULT, sink::append);
            long dt = System.nanoTime() - t0;
            best = Math.min(best, dt);
            System.out.printf("round %d: %.3f s, %.2f M commands/s, output %d chars, error=%s%n", i, dt / 1e9,
                    res.commands() / (dt / 1e9) / 1e6, sink.length(), res.error());
        }
        System.out.printf("best: %.2f M commands/s%n", lines.size() / (best / 1e9) / 1e6);
    }
}
