package f5j.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.math.BigInteger;

/**
 * {@code --seed}: every value {@code torch.manual_seed} accepts, −2^63 to 2^64−1 (it keeps the bits of a
 * 64-bit word; negative seeds wrap). Held as those 64 bits; printed unsigned, as torch.initial_seed() does.
 */
final class SeedOption {
    @Option(names = "--seed", paramLabel = "N", converter = Converter.class,
            description = "sampling seed, any value torch.manual_seed takes (-2^63 to 2^64-1); chunk i uses SEED + i "
                    + "(default: synth random and printed, others 0)")
    Long seed;

    long orElse(long dflt) { return seed != null ? seed : dflt; }

    static String show(long seed) { return Long.toUnsignedString(seed); }

    static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE), MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static long parse(String s) {
        BigInteger v;
        try {
            v = new BigInteger(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("out of range (-2^63 to 2^64-1, as torch.manual_seed takes)");
        }
        return v.longValue();
    }

    static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(value + ": " + e.getMessage());
            }
        }
    }
}
