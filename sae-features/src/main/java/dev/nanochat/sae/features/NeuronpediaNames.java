package dev.nanochat.sae.features;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Neuronpedia ids for the platform's SAEs, derived so that an export needs no renaming: the model id as
 * is when legal (nanochat ids like {@code d2-000600} are), the layer from the hook name
 * ({@code blocks.1.hook_resid_post} → 1), and a source set name per run ({@code <prefix>-<run id>},
 * lower-cased, other characters → '-', runs of '-' collapsed, trimmed to letters/digits at both ends).
 */
public final class NeuronpediaNames {
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(\\d+)(?:\\.|$)");

    private NeuronpediaNames() {}

    /** The model id made legal (lower case, illegal characters → '-', 32 chars at most). */
    public static String modelId(String modelId) {
        String s = clean(modelId, '.');
        if (s.length() > 32) s = trim(s.substring(0, 32));
        if (s.length() < 2 || !Character.isLetter(s.charAt(0))) s = trim("m" + s);
        return s;
    }

    /** The first number between dots in the hook name; 0 when there is none (e.g. "embed"). */
    public static int layer(String hookName) {
        Matcher m = LAYER.matcher(hookName);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** {prefix}-{runId} made a legal set name (never "neurons"). */
    public static String setName(String prefix, String runId) {
        String s = clean(prefix + "-" + runId, '-');
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "s-" + s;
        s = trim(s);
        return s.equals("neurons") ? "neurons-sae" : s;
    }

    public static String sourceId(String hookName, String prefix, String runId) {
        return layer(hookName) + "-" + setName(prefix, runId);
    }

    private static String clean(String s, char alsoAllowed) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == alsoAllowed;
            char out = ok ? c : '-';
            char last = sb.length() == 0 ? 0 : sb.charAt(sb.length() - 1);
            if ((out == '-' || out == '.') && (last == '-' || last == '.')) continue; // no "--", "..", ".-"
            sb.append(out);
        }
        return trim(sb.toString());
    }

    private static String trim(String s) {
        int a = 0, b = s.length();
        while (a < b && !Character.isLetterOrDigit(s.charAt(a))) a++;
        while (b > a && !Character.isLetterOrDigit(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }
}
