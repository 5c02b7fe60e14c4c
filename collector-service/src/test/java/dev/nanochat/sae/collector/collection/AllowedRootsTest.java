package dev.nanochat.sae.collector.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedRootsTest {
    @TempDir
    Path tmp;

    Path root;
    Path outside;
    AllowedRoots roots;

    @BeforeEach
    void layout() throws Exception {
        root = Files.createDirectories(tmp.resolve("data"));
        outside = Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(outside.resolve("passwd.txt"), "x");
        Files.createDirectories(root.resolve("books"));
        Files.writeString(root.resolve("books/b.txt"), "b");
        Files.writeString(root.resolve("books/a.txt"), "a");
        Files.writeString(root.resolve("books/c.jsonl"), "{}");
        roots = new AllowedRoots("data", List.of(root));
    }

    @Test
    void relative_and_absolute_paths_inside_the_root_resolve_to_real_paths() throws Exception {
        assertEquals(root.resolve("books/a.txt").toRealPath(), roots.resolve("f", "books/a.txt"));
        assertEquals(root.resolve("books/a.txt").toRealPath(), roots.resolve("f", root + "/books/a.txt"));
    }

    @Test
    void dot_dot_is_refused_even_when_it_would_land_inside() {
        var e = assertThrows(
                RequestRejectedException.class, () -> roots.resolve("corpus.paths[0]", "books/../books/a.txt"));
        assertTrue(e.getMessage().contains("contains '..'"), e.getMessage());
        assertEquals("corpus.paths[0]", e.field());
        assertThrows(RequestRejectedException.class, () -> roots.resolve("f", "../secret/passwd.txt"));
    }

    @Test
    void absolute_path_outside_the_roots_is_refused() {
        var e = assertThrows(RequestRejectedException.class, () -> roots.resolve("f", outside + "/passwd.txt"));
        assertTrue(e.getMessage().contains("is not a readable path under the configured data roots"), e.getMessage());
    }

    @Test
    void missing_and_outside_paths_get_the_same_message_so_callers_cannot_probe_the_file_system() {
        var outsideExisting =
                assertThrows(RequestRejectedException.class, () -> roots.resolve("f", outside + "/passwd.txt"));
        var outsideMissing =
                assertThrows(RequestRejectedException.class, () -> roots.resolve("f", outside + "/nothing.txt"));
        var insideMissing = assertThrows(RequestRejectedException.class, () -> roots.resolve("f", "books/none.txt"));
        String a = outsideExisting.getMessage().replace(outside + "/passwd.txt", "P");
        assertEquals(a, outsideMissing.getMessage().replace(outside + "/nothing.txt", "P"));
        assertEquals(a, insideMissing.getMessage().replace("books/none.txt", "P"));
    }

    @Test
    void symlink_escaping_the_root_is_refused_for_files_dirs_and_glob_matches() throws Exception {
        Files.createSymbolicLink(root.resolve("leak.txt"), outside.resolve("passwd.txt"));
        Files.createSymbolicLink(root.resolve("leakdir"), outside);
        assertThrows(RequestRejectedException.class, () -> roots.resolve("f", "leak.txt"));
        assertThrows(RequestRejectedException.class, () -> roots.expand("f", "leakdir/*.txt"));
        var e = assertThrows(RequestRejectedException.class, () -> roots.expand("f", "*.txt"));
        assertTrue(e.getMessage().contains("is not a readable path under the configured data roots"), e.getMessage());
        assertFalse(e.getMessage().contains(outside.toString()), e.getMessage());
    }

    @Test
    void symlink_staying_inside_is_accepted() throws Exception {
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("books/a.txt"));
        assertEquals(root.resolve("books/a.txt").toRealPath(), roots.resolve("f", "alias.txt"));
    }

    @Test
    void glob_expands_sorted_and_an_empty_match_is_an_error() throws Exception {
        assertEquals(
                List.of(
                        root.resolve("books/a.txt").toRealPath(),
                        root.resolve("books/b.txt").toRealPath()),
                roots.expand("f", "books/*.txt"));
        var e = assertThrows(RequestRejectedException.class, () -> roots.expand("f", "books/*.parquet"));
        assertTrue(e.getMessage().contains("matched no files"), e.getMessage());
    }

    @Test
    void missing_file_and_directory_without_glob_are_explained() {
        var missing = assertThrows(RequestRejectedException.class, () -> roots.expand("f", "books/none.txt"));
        assertTrue(
                missing.getMessage().contains("is not a readable path under the configured data roots"),
                missing.getMessage());
        var dir = assertThrows(RequestRejectedException.class, () -> roots.expand("f", "books"));
        assertTrue(dir.getMessage().contains("is a directory"), dir.getMessage());
    }
}
