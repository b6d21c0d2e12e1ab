package io.memfleet.cli;

import picocli.CommandLine;

/** The version {@code --version} prints: the build's, from the jar manifest when there is one. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"memfleet " + (v == null ? "0.1.0-SNAPSHOT" : v)
                + " (Linux 3.3 memcg + memcg kmem v2 series, SLAB; SIM-SCRIPT 1)"};
    }
}
