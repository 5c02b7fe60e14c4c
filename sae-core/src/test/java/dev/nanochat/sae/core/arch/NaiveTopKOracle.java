package dev.nanochat.sae.core.arch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.nanochat.sae.core.SaeConfig;
import dev.nanochat.sae.core.train.LatentActivity;
import java.util.HashMap;
import java.util.Map;

/**
 * Obviously-correct TopK (+AuxK) loss written densely with DJL ops and differentiated by autograd: the
 * oracle for the hand-written sparse kernels. Same formulas as SparseObjective, no shortcuts.
 */
final class NaiveTopKOracle {
    record Result(double loss, Map<String, float[]> grads) {}

    static Result lossAndGrads(SaeConfig cfg, Params p, float[] x, int rows, boolean[] dead) {
        int d = cfg.dIn(), n = cfg.dSae();
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Map<String, NDArray> nd = new HashMap<>();
            for (String name : new String[] {"enc", "b_enc", "W_dec", "b_dec"}) {
                NDArray a =
                        m.create(p.get(name).clone(), new Shape(p.entry(name).shape()));
                a.setRequiresGradient(true);
                nd.put(name, a);
            }
            NDArray xs = m.create(x, new Shape(rows, d));
            NDArray h =
                    xs.sub(nd.get("b_dec")).matMul(nd.get("enc").transpose()).add(nd.get("b_enc"));
            NDArray hs = h.stopGradient();
            NDArray kth = hs.topK(cfg.k(), 1, true, true).get(0).get(":, -1:");
            NDArray mask = hs.gte(kth).logicalAnd(hs.gt(0f)).toType(DataType.FLOAT32, false);
            NDArray xHat = h.mul(mask).matMul(nd.get("W_dec")).add(nd.get("b_dec"));
            NDArray mse = xHat.sub(xs).square().sum(new int[] {1}).mean();
            NDArray loss = mse;
            int deadCount = LatentActivity.count(dead);
            if (deadCount > 0) {
                float[] deadF = new float[n];
                for (int i = 0; i < n; i++) deadF[i] = dead[i] ? 0f : -1e30f;
                NDArray hDead = hs.add(m.create(deadF));
                int ka = Math.min(cfg.auxK(), deadCount);
                NDArray kthAux = hDead.topK(ka, 1, true, true).get(0).get(":, -1:");
                NDArray auxMask = hDead.gte(kthAux).logicalAnd(hDead.gt(0f)).toType(DataType.FLOAT32, false);
                NDArray eHat = h.mul(auxMask).matMul(nd.get("W_dec"));
                NDArray e = xs.sub(xHat).stopGradient();
                NDArray denom = e.sub(e.mean(new int[] {0}, true)).square().sum();
                NDArray aux = eHat.sub(e).square().sum().div(denom);
                loss = mse.add(aux.mul((float) cfg.auxKCoefficient()));
            }
            gc.backward(loss);
            Map<String, float[]> g = new HashMap<>();
            nd.forEach((k, v) -> g.put(k, v.getGradient().toFloatArray()));
            return new Result(loss.getFloat(), g);
        }
    }
}
