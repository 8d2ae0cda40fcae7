package f5j.dit;

import f5j.compute.Backend;

/** nn.Linear weights (PyTorch layout: weight out x in). */
record Linear(float[] w, float[] b, int in, int out) {
    void apply(Backend be, float[] x, int rows, float[] y) { be.linear(x, rows, in, w, b, out, y); }
}
