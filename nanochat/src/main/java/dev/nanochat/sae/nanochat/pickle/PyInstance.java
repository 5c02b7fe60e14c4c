package dev.nanochat.sae.nanochat.pickle;

/** An object made by NEWOBJ of an allow-listed class; BUILD stores its state, nothing else runs. */
public final class PyInstance {
    private final PyGlobal type;
    private Object state;

    public PyInstance(PyGlobal type) {
        this.type = type;
    }

    public PyGlobal type() {
        return type;
    }

    public Object state() {
        return state;
    }

    void setState(Object state) {
        this.state = state;
    }
}
