package dev.nanochat.sae.k8s;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes API version order (v1alpha1 < v1beta1 < v1beta2 < v1 < v2alpha1 ...) and Strimzi's version
 * ranges ("v1beta2", "v1beta2+", "v1alpha1-v1beta2", comma-separated), used to reject fields an object's
 * apiVersion no longer has.
 */
final class ApiVersions {
    private static final Pattern VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");
    static final Comparator<String> ORDER = Comparator.comparingLong(ApiVersions::rank);

    private ApiVersions() {}

    private static long rank(String v) {
        Matcher m = VERSION.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Kubernetes API version: " + v);
        }
        long major = Long.parseLong(m.group(1));
        long stage = m.group(2) == null ? 2 : m.group(2).equals("beta") ? 1 : 0;
        long minor = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return major * 1_000_000 + stage * 1_000 + minor;
    }

    /** Whether {@code version} lies in a Strimzi range expression. */
    static boolean inRange(String version, String ranges) {
        for (String r : ranges.split(",")) {
            r = r.trim();
            if (r.equals("all")) {
                return true;
            }
            if (r.endsWith("+")) {
                if (ORDER.compare(version, r.substring(0, r.length() - 1)) >= 0) {
                    return true;
                }
            } else if (r.contains("-")) {
                String[] ab = r.split("-", 2);
                if (ORDER.compare(version, ab[0]) >= 0 && ORDER.compare(version, ab[1]) <= 0) {
                    return true;
                }
            } else if (ORDER.compare(version, r) == 0) {
                return true;
            }
        }
        return false;
    }
}
