package com.acme.mpc.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.RouterSettings;
import com.acme.mpc.gateway.core.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptPlanTest {
    private static final GatewayException E500 = new GatewayException(500, "api_error", "x", null, null, true);
    private static final GatewayException E400 = GatewayException.badRequest("bad", null);

    static RouterSettings settings(String router) {
        StringBuilder yaml = new StringBuilder("model_list:\n");
        for (String g : List.of("a", "b", "c", "d", "e", "f", "g", "big")) {
            yaml.append("  - model_name: ")
                    .append(g)
                    .append("\n    litellm_params: {model: openai/x, mock_response: x}\n");
        }
        yaml.append("router_settings:\n").append(router);
        return new ConfigLoader(n -> null).parse(yaml.toString(), "t").router();
    }

    @Test
    void aRetryOnAnotherDeploymentDoesNotWaitButOneOnTheSameBacksOffExponentially() {
        RouterSettings s = settings("  num_retries: 3\n  retry_backoff_base: 0.1\n  retry_backoff_max: 0.3\n");
        AttemptPlan other = new AttemptPlan(s, "a", null, null, (g, tried) -> true);
        other.started(0);
        assertThat(other.after(E500)).isEqualTo(new AttemptPlan.Next(AttemptPlan.Next.Kind.RETRY, 0));
        AttemptPlan same = new AttemptPlan(s, "a", null, null, (g, tried) -> false);
        long[] max = {100, 200, 300};
        for (int n = 0; n < 3; n++) {
            same.started(0);
            AttemptPlan.Next next = same.after(E500);
            assertThat(next.kind()).isEqualTo(AttemptPlan.Next.Kind.RETRY);
            assertThat(next.delayMillis()).isBetween(max[n] / 2, max[n]);
        }
        same.started(0);
        assertThat(same.after(E500)).isEqualTo(AttemptPlan.Next.FAIL);
        assertThat(same.attempts()).isEqualTo(4);
        assertThat(same.retries()).isEqualTo(3);
    }

    @Test
    void theUpstreamsRetryAfterIsHonouredUpToTheCap() {
        RouterSettings s = settings("  max_retry_after: 2\n  fallbacks: [{a: [b]}]\n");
        AttemptPlan p = new AttemptPlan(s, "a", null, null, (g, tried) -> false);
        p.started(0);
        GatewayException shortHint = new GatewayException(429, "rate_limit_error", "x", null, null, true, 1500);
        assertThat(p.after(shortHint)).isEqualTo(new AttemptPlan.Next(AttemptPlan.Next.Kind.RETRY, 1500));
        p.started(0);
        GatewayException longHint = new GatewayException(429, "rate_limit_error", "x", null, null, true, 20_000);
        assertThat(p.after(longHint).kind()).isEqualTo(AttemptPlan.Next.Kind.FALLBACK);
        assertThat(p.group()).isEqualTo("b");
    }

    @Test
    void clientErrorsNeitherRetryNorFallBack() {
        AttemptPlan p = new AttemptPlan(settings("  fallbacks: [{a: [b]}]\n"), "a", null, null, (g, t) -> true);
        p.started(0);
        assertThat(p.after(E400)).isEqualTo(AttemptPlan.Next.FAIL);
    }

    @Test
    void fallbackListsAreChosenByErrorKindAndBounded() {
        RouterSettings s = settings("  num_retries: 0\n  fallbacks: [{a: [b, c, d, e, f, g]}]\n"
                + "  context_window_fallbacks: [{a: [big]}]\n  default_fallbacks: [c]\n");
        AttemptPlan cw = new AttemptPlan(s, "a", null, null, (g, t) -> false);
        cw.started(0);
        GatewayException tooLong =
                new GatewayException(400, "invalid_request_error", "too long", null, "context_length_exceeded", false);
        assertThat(cw.after(tooLong).kind()).isEqualTo(AttemptPlan.Next.Kind.FALLBACK);
        assertThat(cw.group()).isEqualTo("big");
        cw.started(0);
        assertThat(cw.after(E500).kind()).isEqualTo(AttemptPlan.Next.Kind.FALLBACK);
        assertThat(cw.group()).isEqualTo("c"); // default_fallbacks after the specific list

        AttemptPlan general = new AttemptPlan(s, "a", null, null, (g, t) -> false);
        List<String> visited = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            general.started(0);
            if (general.after(E500).kind() != AttemptPlan.Next.Kind.FALLBACK) {
                break;
            }
            visited.add(general.group());
        }
        assertThat(visited).containsExactly("b", "c", "d", "e", "f");
        assertThat(general.fallbacks()).isEqualTo(RouterSettings.MAX_FALLBACKS);
    }

    @Test
    void aRequestsOwnRetriesAndFallbacksWin() {
        RouterSettings s = settings("  num_retries: 5\n  fallbacks: [{a: [b]}]\n");
        AttemptPlan p = new AttemptPlan(s, "a", 0, List.of("c"), (g, t) -> true);
        p.started(0);
        assertThat(p.after(E500).kind()).isEqualTo(AttemptPlan.Next.Kind.FALLBACK);
        assertThat(p.group()).isEqualTo("c");
        assertThat(p.fellBack()).isTrue();
    }
}
