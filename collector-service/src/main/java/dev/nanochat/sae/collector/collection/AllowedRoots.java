package dev.nanochat.sae.collector.collection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Confines user-supplied paths to configured root directories.
 *
 * <p>Design: a path is accepted only if its <em>real</em> path (all symlinks resolved) lies under the
 * real path of one root, so neither {@code ../} nor a symlink can escape. {@code ..} segments are
 * refused outright, before any resolution, so the error says what was wrong. Relative paths are tried
 * against each root in order. Globs ({@code *}, {@code ?}, {@code [..]}, {@code {..}}) are expanded
 * inside their literal directory prefix and every match is checked again; matches are sorted so a
 * collection reads files in a stable order (resume depends on it). A path that does not exist and a
 * path outside the roots get the same message, naming neither the resolved target nor which case it
 * was, so the API cannot be used to probe the file system.
 */
public final class AllowedRoots {
    private final String kind;
    private final List<Path> roots;

    /** @param kind "model" or "data", used in messages; nonexistent roots are kept but match nothing. */
    public AllowedRoots(String kind, List<Path> roots) {
        this.kind = kind;
        this.roots = roots.stream().map(AllowedRoots::realOrNormal).toList();
    }

    public List<Path> roots() {
        return roots;
    }

    /** Resolves one existing file or directory under the roots; errors name {@code field}. */
    public Path resolve(String field, String userPath) {
        Path candidate = candidate(field, userPath);
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw notUnderRoots(field, userPath);
        }
        requireInside(field, userPath, real);
        return real;
    }

    /** Expands a path or glob to the sorted list of regular files it names (at least one). */
    public List<Path> expand(String field, String userPathOrGlob) {
        int firstGlob = firstGlobChar(userPathOrGlob);
        if (firstGlob < 0) {
            Path p = resolve(field, userPathOrGlob);
            if (Files.isDirectory(p)) {
                throw new RequestRejectedException(
                        field,
                        field + ": '" + userPathOrGlob + "' is a directory; give files or a glob such as '"
                                + userPathOrGlob + "/*.txt'");
            }
            return List.of(p);
        }
        int slash = userPathOrGlob.lastIndexOf('/', firstGlob);
        String dirPart = slash < 0 ? "." : userPathOrGlob.substring(0, Math.max(slash, 1));
        String pattern = userPathOrGlob.substring(slash + 1);
        Path dir = resolve(field, dirPart);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> matches = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (matcher.matches(dir.relativize(p)) && Files.isRegularFile(p)) {
                    Path real = p.toRealPath();
                    requireInside(field, userPathOrGlob, real);
                    matches.add(real);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (matches.isEmpty()) {
            throw new RequestRejectedException(field, field + ": glob '" + userPathOrGlob + "' matched no files");
        }
        matches.sort(null);
        return matches;
    }

    private Path candidate(String field, String userPath) {
        if (userPath == null || userPath.isBlank()) {
            throw new RequestRejectedException(field, field + ": " + kind + " path is empty");
        }
        Path p = Path.of(userPath);
        for (Path part : p) {
            if (part.toString().equals("..")) {
                throw new RequestRejectedException(
                        field,
                        field + ": " + kind + " path '" + userPath + "' contains '..'; paths must stay under the "
                                + kind + " roots " + roots);
            }
        }
        if (p.isAbsolute()) {
            return p;
        }
        for (Path root : roots) {
            Path c = root.resolve(p);
            if (Files.exists(c, LinkOption.NOFOLLOW_LINKS)) {
                return c;
            }
        }
        return roots.isEmpty() ? p : roots.get(0).resolve(p);
    }

    private void requireInside(String field, String userPath, Path real) {
        for (Path root : roots) {
            if (real.startsWith(root)) {
                return;
            }
        }
        throw notUnderRoots(field, userPath);
    }

    /** One answer for "missing", "unreadable" and "outside the roots (after symlinks)". */
    private RequestRejectedException notUnderRoots(String field, String userPath) {
        return new RequestRejectedException(
                field,
                field + ": " + kind + " path '" + userPath + "' is not a readable path under the configured " + kind
                        + " roots " + roots);
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static Path realOrNormal(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
