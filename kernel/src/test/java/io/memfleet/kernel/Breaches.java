package io.memfleet.kernel;

/** What the kernel must never do, one class each, for KernelPurityTest to see its rules fail on. */
final class Breaches {
    private Breaches() {
    }

    static final class ReadsAFile {
        boolean exists() {
            return new java.io.File("/proc/meminfo").exists();
        }
    }

    static final class ReadsTheEnvironment {
        String home() {
            return System.getenv("HOME");
        }
    }

    static final class ReadsTheClock {
        long now() {
            return System.nanoTime();
        }
    }

    static final class StartsAThread {
        void start() {
            new Thread(() -> { }).start();
        }
    }

    static final class MakesAUuid {
        String id() {
            return java.util.UUID.randomUUID().toString();
        }
    }

    static final class RandomWithoutASeed {
        long next() {
            return new java.util.SplittableRandom().nextLong();
        }
    }
}
