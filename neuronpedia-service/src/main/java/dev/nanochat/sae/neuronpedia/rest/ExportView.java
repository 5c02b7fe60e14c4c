package dev.nanochat.sae.neuronpedia.rest;

import dev.nanochat.sae.neuronpedia.persistence.ExportJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;

/** An export as the API shows it: status, progress (0..1), reason, and the package's files once READY. */
public record ExportView(
        long id,
        String checkpointId,
        String modelId,
        String sourceId,
        String hookName,
        String status,
        String reason,
        double progress,
        Integer liveFeatures,
        Integer deadFeatures,
        String packageDir,
        String archive,
        List<FileView> files,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    public record FileView(String path, long bytes) {}

    public static ExportView of(ExportJob j, boolean withFiles) {
        return new ExportView(
                j.id,
                j.checkpointId,
                j.modelId,
                j.sourceId,
                j.hookName,
                j.status,
                j.reason,
                j.progress,
                j.liveFeatures,
                j.deadFeatures,
                j.packageDir,
                j.archivePath == null ? null : "/api/exports/" + j.id + "/archive",
                withFiles && j.packageDir != null ? files(Path.of(j.packageDir)) : List.of(),
                j.createdAt,
                j.updatedAt);
    }

    private static List<FileView> files(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> new FileView(dir.relativize(p).toString().replace('\\', '/'), size(p)))
                    .sorted((a, b) -> a.path().compareTo(b.path()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
