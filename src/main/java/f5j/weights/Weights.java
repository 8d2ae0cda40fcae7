package f5j.weights;

/** Which weights of a trainer checkpoint to use: the EMA ones (as upstream inference) or the online ones. */
public enum Weights {
    EMA, ONLINE;

    /** "ema" / "online", as on the command line and in provenance.json. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
