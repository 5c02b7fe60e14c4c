package dev.nanochat.sae.nanochat.pickle;

/** A Python global (`module.name`) named by a GLOBAL/STACK_GLOBAL opcode; never resolved to code. */
public record PyGlobal(String module, String name) {
    @Override
    public String toString() {
        return module + "." + name;
    }
}
