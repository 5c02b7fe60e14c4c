package dev.nanochat.sae.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * One string column of a parquet file (nanochat's shards: {@code text}), row by row, as raw bytes.
 *
 * Design: parquet-hadoop's low-level reader with a projection of just that column, so the other
 * columns' pages are never read or decompressed; whole row groups are skipped without decoding
 * when resuming. A Plain (non-Hadoop) configuration and a local input file keep Hadoop's file
 * systems out of it; the codecs (zstd, snappy, gzip) still go through Hadoop's codec interfaces.
 * parquet-hadoop reports a corrupt page or footer with assorted RuntimeExceptions (decoding,
 * bounds, negative sizes); each becomes an IOException naming the file, the corpus' one error type.
 */
final class ParquetTextColumn implements RawDocumentSource {
    private static final byte[] NULL_CELL = new byte[0];

    private final Path file;
    private final ParquetFileReader reader;
    private final MessageType projection;
    private final List<BlockMetaData> rowGroups;
    private int nextGroup;
    private RecordReader<Group> rows;
    private long rowsLeftInGroup;

    ParquetTextColumn(Path file, String column) throws IOException {
        this.file = file;
        ParquetReadOptions options =
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try {
            this.reader = ParquetFileReader.open(new LocalInputFile(file), options);
        } catch (RuntimeException | IOException e) {
            throw new IOException("cannot read parquet file " + file + ": " + e.getMessage(), e);
        }
        MessageType schema;
        try {
            schema = reader.getFooter().getFileMetaData().getSchema();
        } catch (RuntimeException e) {
            reader.close();
            throw new IOException("corrupt parquet footer in " + file + ": " + e, e);
        }
        if (!schema.containsField(column)) {
            reader.close();
            throw new IllegalArgumentException("parquet file " + file + " has no column '" + column + "'; columns: "
                    + schema.getFields().stream().map(Type::getName).toList());
        }
        Type field = schema.getType(column);
        if (!field.isPrimitive()
                || field.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY) {
            reader.close();
            throw new IllegalArgumentException("parquet column '" + column + "' of " + file + " is " + field
                    + ", expected a (string) binary column");
        }
        this.projection = new MessageType(schema.getName(), field);
        reader.setRequestedSchema(projection);
        this.rowGroups = reader.getRowGroups();
    }

    @Override
    public byte[] next() throws IOException {
        try {
            return nextRow();
        } catch (RuntimeException e) {
            throw corrupt(e);
        }
    }

    private IOException corrupt(RuntimeException e) {
        return new IOException("corrupt parquet file " + file + " (row group " + nextGroup + "): " + e, e);
    }

    private byte[] nextRow() throws IOException {
        while (rowsLeftInGroup == 0) {
            if (!openNextGroup()) return null;
        }
        rowsLeftInGroup--;
        Group row = rows.read();
        // A null cell (optional column) is an empty document slot, still counted.
        if (row.getFieldRepetitionCount(0) == 0) return NULL_CELL;
        return row.getBinary(0, 0).getBytes();
    }

    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            if (rowsLeftInGroup == 0
                    && nextGroup < rowGroups.size()
                    && rowGroups.get(nextGroup).getRowCount() <= n - done) {
                done += rowGroups.get(nextGroup).getRowCount();
                try {
                    reader.skipNextRowGroup();
                } catch (RuntimeException e) {
                    throw corrupt(e);
                }
                nextGroup++;
                continue;
            }
            if (next() == null) break;
            done++;
        }
        return done;
    }

    private boolean openNextGroup() throws IOException {
        if (nextGroup >= rowGroups.size()) return false;
        PageReadStore pages = reader.readNextRowGroup();
        nextGroup++;
        if (pages == null) throw new IOException("parquet file " + file + " ended before row group " + nextGroup);
        rows = new ColumnIOFactory()
                .getColumnIO(projection)
                .getRecordReader(pages, new GroupRecordConverter(projection));
        rowsLeftInGroup = pages.getRowCount();
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
