package dev.nanochat.sae.cli;

import dev.nanochat.sae.neuronpedia.api.ApiKey;
import dev.nanochat.sae.neuronpedia.api.FileUploadProgress;
import dev.nanochat.sae.neuronpedia.api.NeuronpediaClient;
import dev.nanochat.sae.neuronpedia.api.PackagedUpload;
import dev.nanochat.sae.neuronpedia.api.RetryPolicy;
import dev.nanochat.sae.neuronpedia.api.UploadPlan;
import dev.nanochat.sae.neuronpedia.api.UploadReport;
import dev.nanochat.sae.neuronpedia.api.Uploader;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `sae neuronpedia upload`: a package → Neuronpedia's write API (model, source set, feature batches).
 * The key comes from NEURONPEDIA_API_KEY. Progress is kept in {@code <package>.upload-<host>.json}
 * beside the package, so running the same command again after a crash resumes without re-sending.
 */
@Command(name = "upload", description = "Upload a package to Neuronpedia (key from NEURONPEDIA_API_KEY)")
public final class NeuronpediaUploadCommand implements Callable<Integer> {
    @Option(names = "--export", required = true, description = "package directory (from `sae neuronpedia export`)")
    Path export;

    @Option(
            names = "--base-url",
            defaultValue = "https://www.neuronpedia.org",
            description = "site root without /api (default ${DEFAULT-VALUE})")
    String baseUrl;

    @Option(names = "--dry-run", description = "validate every payload against the documented limits; send nothing")
    boolean dryRun;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "4000000",
            description = "request body cap (default ${DEFAULT-VALUE})")
    int maxBytes;

    @Override
    public Integer call() {
        String url = NeuronpediaClient.normalise(baseUrl);
        UploadPlan plan = PackagedUpload.plan(export, new UploadPlan.Limits(128, maxBytes, Integer.MAX_VALUE));
        if (dryRun) {
            UploadReport r = Uploader.dryRun(plan, maxBytes);
            System.out.printf(
                    "dry run: %d requests (%d feature batches, largest %,d bytes), %d features, %d dead skipped%n",
                    r.requests(), r.featureBatches(), r.largestBody(), r.features(), r.skippedDead());
            r.problems().forEach(p -> System.out.println("problem: " + p));
            System.out.println(
                    r.ok() ? "valid: nothing was sent" : r.problems().size() + " problem(s): nothing was sent");
            return r.ok() ? 0 : 1;
        }
        Path progress = export.toAbsolutePath()
                .resolveSibling(
                        export.getFileName() + ".upload-" + URI.create(url).getHost() + ".json");
        Uploader u = new Uploader(
                new NeuronpediaClient(url, ApiKey.fromEnvironment(), RetryPolicy.defaults()),
                new FileUploadProgress(progress),
                maxBytes,
                (r, done, total) -> System.err.printf("\rupload: %d/%d requests", done, total));
        UploadReport r = u.upload(plan);
        System.err.println();
        System.out.printf(
                "uploaded %s/%s to %s: %d requests sent, %d already done, %d features, %d dead skipped%n",
                plan.modelId(), plan.source(), url, r.sent(), r.alreadyDone(), r.features(), r.skippedDead());
        return 0;
    }
}
