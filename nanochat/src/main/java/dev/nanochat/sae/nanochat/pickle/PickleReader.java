package dev.nanochat.sae.nanochat.pickle;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A small, safe pickle virtual machine for protocols 2–4 (torch.save's data.pkl, tiktoken's
 * tokenizer.pkl). Design choices:
 * - It never resolves a global to code: GLOBAL/STACK_GLOBAL names are checked against a
 *   {@link PickleAllowList} at once, and REDUCE/NEWOBJ only dispatch to the list's Java handlers.
 * - Memory is bounded by the input: every length field is checked against the bytes left, so a
 *   hostile length cannot allocate more than the file holds; each opcode pushes at most one object.
 * - Values map to plain Java: str→String, bytes→{@link PyBytes}, int→Long (BigInteger if wider),
 *   float→Double, bool→Boolean, None→null, list→ArrayList, dict→LinkedHashMap, tuple→{@link PyTuple}.
 * - Errors name the source (file and entry) and the byte offset.
 * - Results are trees or DAGs no deeper than {@value #MAX_DEPTH}: a self-referencing or absurdly deep
 *   structure (which torch.save and tiktoken never write) is refused, so no consumer's equals,
 *   hashCode or toString can recurse forever; dict keys must be hashable as in Python (no lists or
 *   dicts inside) and small, so hashing a key is bounded too.
 */
public final class PickleReader {
    static final int MAX_DEPTH = 1000;
    private static final int MAX_KEY_ITEMS = 4096;
    private final String source;
    private final byte[] data;
    private final PickleAllowList allow;
    private final Function<Object, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;

    private PickleReader(String source, byte[] data, PickleAllowList allow, Function<Object, Object> persistentLoad) {
        this.source = source;
        this.data = data;
        this.allow = allow;
        this.persistentLoad = persistentLoad;
    }

    /** Unpickles {@code data}; {@code persistentLoad} may be null when persistent ids are not expected. */
    public static Object load(
            String source, byte[] data, PickleAllowList allow, Function<Object, Object> persistentLoad) {
        return new PickleReader(source, data, allow, persistentLoad).run();
    }

    private Object run() {
        while (true) {
            if (pos >= data.length) throw fail("truncated pickle: no STOP opcode before end of data");
            int at = pos;
            int op = data[pos++] & 0xff;
            try {
                if (op == '.') {
                    if (stack.size() != 1 || !marks.isEmpty())
                        throw fail("malformed pickle: STOP with stack size " + stack.size());
                    checkAcyclic(stack.get(0));
                    return stack.get(0);
                }
                step(op);
            } catch (PickleException e) {
                throw e;
            } catch (StackOverflowError e) {
                // A handler's argument check recursed through a hostile value; the value is the error.
                throw new PickleException(source + ": malformed pickle at byte " + at + " (opcode 0x"
                        + Integer.toHexString(op) + "): value nested too deeply or self-referencing");
            } catch (RuntimeException e) {
                throw new PickleException(source + ": malformed pickle at byte " + at + " (opcode 0x"
                        + Integer.toHexString(op) + "): " + e.getMessage());
            }
        }
    }

    private void step(int op) {
        switch (op) {
            case 0x80 -> {
                int proto = u8();
                if (proto < 2 || proto > 5) throw fail("unsupported pickle protocol " + proto);
            }
            case 0x95 -> {
                long n = u64();
                if (n < 0 || n > remaining()) throw fail("frame length " + n + " exceeds data");
            }
            case '(' -> marks.push(stack.size());
            case ')' -> push(new PyTuple(List.of()));
            case 't' -> push(new PyTuple(popMark()));
            case 0x85 -> push(new PyTuple(List.of(nn(pop()))));
            case 0x86 -> {
                Object b = pop(), a = pop();
                push(new PyTuple(List.of(nn(a), nn(b))));
            }
            case 0x87 -> {
                Object c = pop(), b = pop(), a = pop();
                push(new PyTuple(List.of(nn(a), nn(b), nn(c))));
            }
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark()));
            case 'a' -> {
                Object v = pop();
                list(peek()).add(v);
            }
            case 'e' -> {
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> {
                List<Object> items = popMark();
                Map<Object, Object> m = new LinkedHashMap<>();
                putAll(m, items);
                push(m);
            }
            case 's' -> {
                Object v = pop(), k = pop();
                dict(peek()).put(key(k), v);
            }
            case 'u' -> {
                List<Object> items = popMark();
                putAll(dict(peek()), items);
            }
            case 'X' -> push(utf8(len(u32())));
            case 0x8c -> push(utf8(len(u8())));
            case 0x8d -> push(utf8(len(u64())));
            case 'B' -> push(new PyBytes(bytes(len(u32()))));
            case 'C' -> push(new PyBytes(bytes(len(u8()))));
            case 0x8e -> push(new PyBytes(bytes(len(u64()))));
            case 'J' -> push((long) i32());
            case 'K' -> push((long) u8());
            case 'M' -> push((long) (u8() | (u8() << 8)));
            case 0x8a -> push(longFromBytes(bytes(len(u8()))));
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'N' -> push(null);
            case 'G' -> push(Double.longBitsToDouble(be64()));
            case 'q' -> memo.put((long) u8(), peek());
            case 'r' -> memo.put(u32() & 0xffffffffL, peek());
            case 0x94 -> memo.put((long) memo.size(), peek());
            case 'h' -> push(memoGet(u8()));
            case 'j' -> push(memoGet(u32() & 0xffffffffL));
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> push(peek());
            case 'c' -> push(global(line(), line()));
            case 0x93 -> {
                Object name = pop(), module = pop();
                push(global(str(module), str(name)));
            }
            case 'R' -> {
                Object args = pop(), fn = pop();
                push(call(fn, tuple(args)));
            }
            case 0x81 -> {
                Object args = pop(), cls = pop();
                push(newObject(cls, tuple(args)));
            }
            case 'b' -> {
                Object state = pop();
                build(peek(), state);
            }
            case 'Q' -> push(persistent(pop()));
            default -> throw fail("opcode 0x" + Integer.toHexString(op) + " is not supported by this safe reader");
        }
    }

    private Object global(String module, String name) {
        PyGlobal g = new PyGlobal(module, name);
        if (!allow.allows(g)) {
            throw fail("refusing global '" + g + "' (not in the allow-list: " + allow.describe() + ")");
        }
        return g;
    }

    private Object call(Object fn, PyTuple args) {
        if (!(fn instanceof PyGlobal g) || !allow.functions().containsKey(g)) {
            throw fail("REDUCE of '" + fn + "' is not allowed");
        }
        return allow.functions().get(g).apply(args);
    }

    private Object newObject(Object cls, PyTuple args) {
        if (!(cls instanceof PyGlobal g) || !allow.classes().contains(g))
            throw fail("NEWOBJ of '" + cls + "' is not allowed");
        if (args.size() != 0) throw fail("NEWOBJ of " + g + " with arguments is not supported");
        return new PyInstance(g);
    }

    private void build(Object target, Object state) {
        if (target instanceof PyInstance inst) {
            inst.setState(state);
        } else if (!(target instanceof Map<?, ?> && state instanceof Map<?, ?>)) {
            // A Map target with dict state is OrderedDict's `_metadata` attribute: not needed, dropped.
            throw fail("BUILD on " + describe(target) + " is not allowed");
        }
    }

    private Object persistent(Object pid) {
        if (persistentLoad == null) throw fail("persistent id " + PyRepr.of(pid) + " is not expected in this file");
        return persistentLoad.apply(pid);
    }

    private void putAll(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) throw fail("odd number of items for a dict");
        for (int i = 0; i < items.size(); i += 2) m.put(key(items.get(i)), items.get(i + 1));
    }

    /** Python's rule (tuples of hashables only) plus a size bound; walks with an explicit stack. */
    private Object key(Object k) {
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(nn(k));
        int seen = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (++seen > MAX_KEY_ITEMS) throw fail("dict key with more than " + MAX_KEY_ITEMS + " items");
            if (o instanceof PyTuple t) {
                t.items().forEach(todo::push);
            } else if (o instanceof List<?> || o instanceof Map<?, ?> || o instanceof PyInstance) {
                throw fail("unhashable dict key " + describe(k) + " (holds a " + describe(o) + ")");
            }
        }
        return k;
    }

    /** Refuses cycles and nesting deeper than MAX_DEPTH; each shared child is visited once. */
    private void checkAcyclic(Object root) {
        Map<Object, Boolean> done = new java.util.IdentityHashMap<>();
        Map<Object, Boolean> onPath = new java.util.IdentityHashMap<>();
        Deque<Object[]> path = new ArrayDeque<>(); // {container, iterator over its children}
        enter(root, path, onPath, done);
        while (!path.isEmpty()) {
            @SuppressWarnings("unchecked")
            java.util.Iterator<Object> it = (java.util.Iterator<Object>) path.peek()[1];
            if (!it.hasNext()) {
                Object finished = path.pop()[0];
                onPath.remove(finished);
                done.put(finished, Boolean.TRUE);
                continue;
            }
            Object child = it.next();
            if (onPath.containsKey(child))
                throw fail("self-referencing " + describe(child) + " (a value that contains itself)");
            if (path.size() >= MAX_DEPTH) throw fail("values nested deeper than " + MAX_DEPTH + " levels");
            enter(child, path, onPath, done);
        }
    }

    private static void enter(Object o, Deque<Object[]> path, Map<Object, Boolean> onPath, Map<Object, Boolean> done) {
        List<Object> children = children(o);
        if (children == null || done.containsKey(o)) return;
        onPath.put(o, Boolean.TRUE);
        path.push(new Object[] {o, children.iterator()});
    }

    private static List<Object> children(Object o) {
        if (o instanceof PyTuple t) return t.items();
        if (o instanceof List<?> l) return new ArrayList<>(l);
        if (o instanceof Map<?, ?> m) {
            List<Object> out = new ArrayList<>(m.keySet());
            out.addAll(m.values());
            return out;
        }
        if (o instanceof PyInstance i)
            return i.state() == null ? List.of() : java.util.Collections.singletonList(i.state());
        return null;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("MARK expected on the stack");
        int at = marks.pop();
        List<Object> items = new ArrayList<>(stack.subList(at, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) throw fail("stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) throw fail("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) throw fail("memo key " + index + " was never stored");
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l && !(o instanceof PyTuple)) return (List<Object>) l;
        throw fail("expected a list, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw fail("expected a dict, found " + describe(o));
    }

    private PyTuple tuple(Object o) {
        if (o instanceof PyTuple t) return t;
        throw fail("expected a tuple, found " + describe(o));
    }

    private String str(Object o) {
        if (o instanceof String s) return s;
        throw fail("expected a str, found " + describe(o));
    }

    private static Object nn(Object o) {
        return o == null ? PyNone.NONE : o;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private int len(long n) {
        if (n < 0 || n > remaining()) throw fail("length " + n + " exceeds the " + remaining() + " bytes left");
        return (int) n;
    }

    private int remaining() {
        return data.length - pos;
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    private String utf8(int n) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data, pos, n))
                    .toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail("invalid UTF-8 in a str");
        }
    }

    private String line() {
        int end = pos;
        while (end < data.length && data[end] != '\n') end++;
        if (end >= data.length) throw fail("unterminated GLOBAL name");
        String s = new String(data, pos, end - pos, StandardCharsets.UTF_8);
        pos = end + 1;
        return s;
    }

    private int u8() {
        if (pos >= data.length) throw fail("truncated pickle");
        return data[pos++] & 0xff;
    }

    private long u32() {
        return i32() & 0xffffffffL;
    }

    private int i32() {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private long u64() {
        return (u32()) | (u32() << 32);
    }

    private long be64() {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | u8();
        return v;
    }

    private static Object longFromBytes(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private PickleException fail(String what) {
        return new PickleException(source + ": " + what + " (at byte " + pos + ")");
    }
}
