package com.acme.mpc.cost.pricing;

import java.math.BigDecimal;

/**
 * Per-token prices in USD. cacheRead / cacheWrite / reasoning are null when the model has no bucket of
 * its own (those tokens are then billed at the input / output price).
 */
public record ModelPrice(
        String name,
        String provider,
        BigDecimal input,
        BigDecimal output,
        BigDecimal cacheRead,
        BigDecimal cacheWrite,
        BigDecimal reasoning) {}
