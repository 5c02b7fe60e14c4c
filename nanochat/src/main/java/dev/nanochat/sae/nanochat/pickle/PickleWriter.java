package dev.nanochat.sae.nanochat.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits pickles the way CPython's pickler does, so torch.load / pickle.load read them and the
 * output of a torch.save we mirror is byte-identical. Design choices:
 * - Memoisation follows Python: every str, bytes, tuple, list, dict, global and reduced object is
 *   memoised by identity (BINPUT in protocol 2, MEMOIZE in 4); a second use of the same Java instance
 *   emits BINGET. Callers share a String instance exactly where Python shares the object.
 * - Ints use the smallest of BININT1/BININT2/BININT/LONG1; dicts/lists batch 1000 items per SETITEMS.
 * - Protocol 4 wraps output in FRAMEs of about 64 KiB, committed before an object starts
 *   (pure-Python pickle's rule; frame boundaries do not change what loads).
 */
public final class PickleWriter {
    private static final int BATCH = 1000;
    private static final int FRAME_TARGET = 64 * 1024;

    private final int protocol;
    private final ByteArrayOutputStream done = new ByteArrayOutputStream();
    private ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private final Map<Object, Integer> memoByIdentity = new IdentityHashMap<>();
    private final Map<PyGlobal, Integer> memoGlobals = new HashMap<>();

    public PickleWriter(int protocol) {
        if (protocol != 2 && protocol != 4)
            throw new IllegalArgumentException("protocol must be 2 or 4, got " + protocol);
        this.protocol = protocol;
    }

    /** Pickles one object (PROTO … STOP) and returns the bytes. */
    public static byte[] dumps(Object obj, int protocol) {
        PickleWriter w = new PickleWriter(protocol);
        w.frame.write(0x80);
        w.frame.write(protocol);
        if (protocol >= 4) w.commitFrame(true);
        w.save(obj);
        w.frame.write('.');
        w.commitFrame(true);
        return w.done.toByteArray();
    }

    private void commitFrame(boolean force) {
        if (frame.size() == 0 || (!force && frame.size() < FRAME_TARGET)) return;
        byte[] body = frame.toByteArray();
        if (protocol >= 4 && body.length >= 4) {
            done.write(0x95);
            writeLe(done, body.length, 8);
        }
        done.writeBytes(body);
        frame = new ByteArrayOutputStream();
    }

    private void save(Object obj) {
        if (protocol >= 4) commitFrame(false);
        if (obj == null || obj == PyNone.NONE) {
            frame.write('N');
        } else if (obj instanceof Boolean b) {
            frame.write(b ? 0x88 : 0x89);
        } else if (obj instanceof Integer || obj instanceof Long) {
            saveInt(((Number) obj).longValue());
        } else if (memoByIdentity.containsKey(obj)) {
            get(memoByIdentity.get(obj));
        } else if (obj instanceof PyGlobal g) {
            saveGlobal(g);
        } else if (obj instanceof String s) {
            saveStr(s);
            memoize(obj);
        } else if (obj instanceof PyBytes b) {
            saveBytes(b.bytes());
            memoize(obj);
        } else if (obj instanceof PyTuple t) {
            saveTuple(t);
        } else if (obj instanceof List<?> l) {
            frame.write(']');
            memoize(obj);
            batch(new ArrayList<Object>(l), false);
        } else if (obj instanceof Map<?, ?> m) {
            frame.write('}');
            memoize(obj);
            batchItems(m);
        } else if (obj instanceof PyReduce r) {
            save(r.callable());
            save(r.args());
            frame.write('R');
            memoize(obj);
            if (r.dictItems() != null) batchItems(r.dictItems());
            if (r.state() != null) {
                save(r.state());
                frame.write('b');
            }
        } else if (obj instanceof PyNewObj n) {
            save(n.cls());
            save(new PyTuple(List.of()));
            frame.write(0x81);
            memoize(obj);
            save(n.state());
            frame.write('b');
        } else if (obj instanceof PyPersistentId p) {
            save(p.pid());
            frame.write('Q');
        } else {
            throw new IllegalArgumentException(
                    "cannot pickle a " + obj.getClass().getName());
        }
    }

    private void saveGlobal(PyGlobal g) {
        Integer idx = memoGlobals.get(g);
        if (idx != null) {
            get(idx);
            return;
        }
        if (protocol >= 4) {
            save(g.module());
            save(g.name());
            frame.write(0x93);
        } else {
            frame.writeBytes(("c" + g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        int i = nextMemo();
        memoGlobals.put(g, i);
        put(i);
    }

    private void saveTuple(PyTuple t) {
        int n = t.size();
        if (n == 0) {
            frame.write(')');
            return;
        }
        if (n > 3) frame.write('(');
        for (Object o : t.items()) save(o);
        frame.write(n == 1 ? 0x85 : n == 2 ? 0x86 : n == 3 ? 0x87 : 't');
        memoize(t);
    }

    private void batchItems(Map<?, ?> m) {
        List<Object> flat = new ArrayList<>();
        m.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        batch(flat, true);
    }

    /** Python's _batch_appends/_batch_setitems: 1 item → APPEND/SETITEM, more → MARK … APPENDS/SETITEMS. */
    private void batch(List<Object> flat, boolean pairs) {
        int stride = pairs ? 2 : 1;
        for (int start = 0; start < flat.size(); start += BATCH * stride) {
            int end = Math.min(flat.size(), start + BATCH * stride);
            boolean many = end - start > stride;
            if (many) frame.write('(');
            for (int i = start; i < end; i++) save(flat.get(i));
            frame.write(pairs ? (many ? 'u' : 's') : (many ? 'e' : 'a'));
        }
    }

    private void saveInt(long v) {
        if (v >= 0 && v <= 0xff) {
            frame.write('K');
            frame.write((int) v);
        } else if (v >= 0 && v <= 0xffff) {
            frame.write('M');
            writeLe(frame, v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            frame.write('J');
            writeLe(frame, v, 4);
        } else {
            byte[] be = java.math.BigInteger.valueOf(v).toByteArray();
            frame.write(0x8a);
            frame.write(be.length);
            for (int i = be.length - 1; i >= 0; i--) frame.write(be[i]);
        }
    }

    private void saveStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (protocol >= 4 && b.length < 256) {
            frame.write(0x8c);
            frame.write(b.length);
        } else {
            frame.write('X');
            writeLe(frame, b.length, 4);
        }
        frame.writeBytes(b);
    }

    private void saveBytes(byte[] b) {
        if (protocol < 3) throw new IllegalArgumentException("bytes need pickle protocol >= 3");
        if (b.length < 256) {
            frame.write('C');
            frame.write(b.length);
        } else {
            frame.write('B');
            writeLe(frame, b.length, 4);
        }
        frame.writeBytes(b);
    }

    private void memoize(Object obj) {
        int i = nextMemo();
        memoByIdentity.put(obj, i);
        put(i);
    }

    private int nextMemo() {
        return memoByIdentity.size() + memoGlobals.size();
    }

    private void put(int i) {
        if (protocol >= 4) {
            frame.write(0x94);
        } else if (i < 256) {
            frame.write('q');
            frame.write(i);
        } else {
            frame.write('r');
            writeLe(frame, i, 4);
        }
    }

    private void get(int i) {
        if (i < 256) {
            frame.write('h');
            frame.write(i);
        } else {
            frame.write('j');
            writeLe(frame, i, 4);
        }
    }

    private static void writeLe(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }
}
