package dev.nanochat.sae.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Writes real parquet files shaped like nanochat's shards (optional string `text` + an int column). */
final class ParquetFixtures {
    private ParquetFixtures() {}

    /** Each entry of texts is one row; null → a null cell. Small row groups so resuming crosses them. */
    static void writeShard(Path file, List<String> texts, CompressionCodecName codec) throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message schema { optional int64 id; optional binary text (STRING); }");
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCompressionCodec(codec)
                .withRowGroupSize(1024L)
                .withPageSize(512)
                .build()) {
            long id = 0;
            for (String t : texts) {
                Group g = rows.newGroup().append("id", id++);
                if (t != null) g.append("text", t);
                w.write(g);
            }
        }
    }
}
