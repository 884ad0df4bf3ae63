package com.acme.mpc.cost.api;

import java.math.BigDecimal;

public final class Money {
    private Money() {}

    /** A stored amount as it is shown: no trailing zeros, never in exponent form. */
    public static BigDecimal out(BigDecimal v) {
        if (v == null) {
            return null;
        }
        if (v.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    public static String str(BigDecimal v) {
        return v == null ? null : out(v).toPlainString();
    }
}
