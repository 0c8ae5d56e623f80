package io.cosbuild.packages.relation;

/** A version relation operator of deb-control(5); the obsolete {@code <} and {@code >} mean {@code <=} and {@code >=}. */
public enum VersionOp {
    LT("<<"), LE("<="), EQ("="), GE(">="), GT(">>");

    private final String symbol;

    VersionOp(String symbol) {
        this.symbol = symbol;
    }

    /** The operator as written in control files. */
    public String symbol() {
        return symbol;
    }

    /** Whether {@code cmp} (the result of {@code actual.compareTo(required)}) satisfies this operator. */
    public boolean test(int cmp) {
        return switch (this) {
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case EQ -> cmp == 0;
            case GE -> cmp >= 0;
            case GT -> cmp > 0;
        };
    }

    /** Parses an operator, accepting the obsolete single {@code <} and {@code >}. */
    public static VersionOp parse(String s) {
        return switch (s) {
            case "<<" -> LT;
            case "<=", "<" -> LE;
            case "=" -> EQ;
            case ">=", ">" -> GE;
            case ">>" -> GT;
            default -> throw new IllegalArgumentException("unknown version operator '" + s + "'");
        };
    }
}
