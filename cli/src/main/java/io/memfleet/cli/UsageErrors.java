package io.memfleet.cli;

import io.memfleet.common.Suggestions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command line got wrong, in one sentence that names the word at fault. picocli checks
 * required options before it reports words it could not match, so {@code run f.yaml --ouut x}
 * would be "missing --out"; here an unknown option or command is named first, with the nearest
 * known one.
 */
final class UsageErrors {
    private UsageErrors() {
    }

    static String describe(CommandLine.ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        List<String> unmatched = cl.getUnmatchedArguments();
        CommandSpec spec = cl.getCommandSpec();
        for (String word : unmatched) {
            if (looksLikeOption(word)) {
                String flag = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                return "unknown option '" + flag + "'" + Suggestions.didYouMean(flag, optionNames(spec));
            }
        }
        if (!unmatched.isEmpty() && !spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
            String word = unmatched.get(0);
            return "unknown command '" + word + "'" + Suggestions.didYouMean(word, spec.subcommands().keySet());
        }
        return ex.getMessage();
    }

    /** {@code --x}, {@code -x}, but not {@code -} (standard input) or a negative number. */
    private static boolean looksLikeOption(String word) {
        return word.length() > 1 && word.charAt(0) == '-' && !Character.isDigit(word.charAt(1));
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        spec.options().forEach(o -> names.addAll(List.of(o.names())));
        return names;
    }
}
