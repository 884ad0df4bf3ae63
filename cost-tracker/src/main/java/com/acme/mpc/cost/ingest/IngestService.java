package com.acme.mpc.cost.ingest;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.pricing.CostCalculator;
import com.acme.mpc.cost.pricing.PriceTable;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Ingest of validated usage events: the request's thread prices them and encodes them as COPY rows, then
 * hands them to the {@link IngestWriter}, which stores the batches waiting at that moment in one
 * transaction (see {@link EventStore}) and answers each batch with its accepted and duplicate counts.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    public record Result(int accepted, int duplicates) {}

    private final CostCalculator calculator;
    private final IngestWriter writer;
    private final Counter rejected;
    private final Counter normalised;
    private final Set<String> warnedUnpriced = ConcurrentHashMap.newKeySet();

    public IngestService(AgroalDataSource ds, PriceTable prices, MeterRegistry registry, CostTrackerConfig config) {
        this.calculator = new CostCalculator(prices);
        this.writer = new IngestWriter(
                ds, registry, config.ingest().maxMerge(), config.ingest().writeTimeout());
        this.rejected = Counter.builder("cost_tracker_events_rejected")
                .description("usage events rejected by validation")
                .register(registry);
        this.normalised = Counter.builder("cost_tracker_event_fields_normalised")
                .description("descriptive fields of stored usage events cut or cleaned to fit (docs/contracts.md)")
                .register(registry);
    }

    @PostConstruct
    void start() {
        writer.start();
    }

    @PreDestroy
    void stop() {
        writer.stop();
    }

    public void countRejected(int n) {
        rejected.increment(n);
    }

    public void countNormalised(int n) {
        normalised.increment(n);
    }

    /** Calls priced by the token: every other call type is priced per unit by the gateway (docs/contracts.md). */
    private static final java.util.Set<String> TOKEN_PRICED =
            java.util.Set.of("chat_completion", "text_completion", "embedding", "anthropic_messages");

    public UsageEvent price(UsageEvent e) {
        if (!e.cacheHit() && e.gatewayCostUsd() != null && !TOKEN_PRICED.contains(e.callType())) {
            // images, audio seconds, speech characters, rerank queries: the price table knows tokens only, the
            // gateway computed the cost from the deployment's per-unit prices
            return e.withCost(e.gatewayCostUsd(), "gateway");
        }
        CostCalculator.Cost c = calculator.cost(new CostCalculator.Usage(
                e.provider(),
                e.model(),
                e.modelGroup(),
                e.promptTokens(),
                e.completionTokens(),
                e.cachedReadTokens(),
                e.cacheCreationTokens(),
                e.reasoningTokens(),
                e.cacheHit(),
                e.inputCostPerToken(),
                e.outputCostPerToken()));
        return e.withCost(c.usd(), c.source());
    }

    /** Prices and encodes in the caller's thread (in parallel across requests), then waits for the writer. */
    public Result ingest(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return new Result(0, 0);
        }
        List<UsageEvent> priced = new ArrayList<>(events.size());
        BigDecimal spend = BigDecimal.ZERO;
        int unpriced = 0;
        for (UsageEvent e : events) {
            UsageEvent p = price(e);
            priced.add(p);
            spend = spend.add(p.costUsd());
            if ("unpriced".equals(p.costSource())) {
                unpriced++;
                warnUnpriced(p);
            }
        }
        return writer.write(new IngestWriter.Batch(priced, CopyRows.of(priced), spend.doubleValue(), unpriced));
    }

    private void warnUnpriced(UsageEvent e) {
        String model = e.provider() + "/" + (e.model() != null ? e.model() : e.modelGroup());
        if (warnedUnpriced.size() < 1000 && warnedUnpriced.add(model)) {
            LOG.warnf(
                    "no price for %s (model group %s): its usage is stored with cost 0; send model_info "
                            + "prices from the gateway or add it to cost-tracker.pricing.override-file",
                    model, e.modelGroup());
        }
    }
}
