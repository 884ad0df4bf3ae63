package com.acme.mpc.cost.reports;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.keys.KeyHash;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Known events on days of their own (2030-01-01..03), reports checked against hand-computed sums:
 * e1 gpt-4o 1000/100 = 0.0035; e2 claude-sonnet-4 1000/100 = 0.003 + 0.0015 = 0.0045;
 * e3 gpt-4o 2000/0 = 0.005; e4 gpt-4o-mini 1,000,000/0 = 0.15.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReportsTest {
    static final String K1 = KeyHash.of("sk-report-key-1");
    static final String K2 = KeyHash.of("sk-report-key-2");
    static final String RANGE = "start_date=2030-01-01&end_date=2030-01-03";
    static boolean loaded;

    @Inject
    AgroalDataSource ds;

    @BeforeEach
    void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        var e1 = event(map(
                "request_id",
                "rep-1",
                "first_token_time",
                "2030-01-01T10:00:00.200Z",
                "start_time",
                "2030-01-01T10:00:00Z",
                "end_time",
                "2030-01-01T10:00:01Z",
                "key_hash",
                K1,
                "key_alias",
                "k-one",
                "user",
                "u1",
                "team_id",
                "t1",
                "end_user",
                "app-a",
                "tags",
                List.of("t-a")));
        var e2 = event(map(
                "request_id",
                "rep-2",
                "first_token_time",
                null,
                "start_time",
                "2030-01-01T23:59:59.999Z",
                "end_time",
                "2030-01-02T00:00:01Z",
                "key_hash",
                K2,
                "user",
                "u2",
                "team_id",
                "t1",
                "end_user",
                "app-b",
                "tags",
                List.of("t-a", "t-b"),
                "model_group",
                "claude-sonnet-4",
                "model",
                "claude-sonnet-4-20250514",
                "provider",
                "anthropic"));
        var e3 = event(map(
                "request_id",
                "rep-3",
                "first_token_time",
                null,
                "start_time",
                "2030-01-02T08:00:00+02:00",
                "end_time",
                "2030-01-02T08:00:01+02:00",
                "key_hash",
                K1,
                "key_alias",
                "k-one",
                "user",
                "u1",
                "team_id",
                "t2",
                "end_user",
                "app-a",
                "tags",
                null,
                "prompt_tokens",
                2000,
                "completion_tokens",
                0));
        var e4 = event(map(
                "request_id",
                "rep-4",
                "first_token_time",
                null,
                "start_time",
                "2030-01-03T12:00:00Z",
                "end_time",
                "2030-01-03T12:00:05Z",
                "key_hash",
                K2,
                "user",
                "u2",
                "team_id",
                "t2",
                "end_user",
                "app-b",
                "tags",
                List.of("t-b"),
                "model_group",
                "gpt-4o-mini",
                "model",
                "gpt-4o-mini",
                "prompt_tokens",
                1_000_000,
                "completion_tokens",
                0));
        admin().body(List.of(e1, e2, e3, e4))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(4));
    }

    @Test
    void aggregatesComeFromRollupsOnly() throws Exception {
        checkAggregates();
        // the raw events are not needed by any aggregate report
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE keep AS SELECT * FROM usage_events WHERE request_id LIKE 'rep-%'");
            st.execute("DELETE FROM usage_events WHERE request_id LIKE 'rep-%'");
            try {
                checkAggregates();
            } finally {
                st.execute("INSERT INTO usage_events SELECT * FROM keep");
            }
        }
    }

    private void checkAggregates() {
        admin().get("/global/spend/report?" + RANGE + "&group_by=day")
                .then()
                .statusCode(200)
                .body("$", hasSize(3))
                .body("[0].group_by_day", equalTo("2030-01-01"))
                .body("[0].requests", equalTo(2))
                .body("[0].prompt_tokens", equalTo(2000))
                .body("[0].total_spend", equalTo(0.008f))
                .body("[1].group_by_day", equalTo("2030-01-02"))
                .body("[1].total_spend", equalTo(0.005f))
                .body("[2].total_spend", equalTo(0.15f));
        admin().get("/global/spend/report?" + RANGE + "&group_by=model&granularity=total")
                .then()
                .statusCode(200)
                .body("model", equalTo(List.of("gpt-4o-mini", "gpt-4o", "claude-sonnet-4")))
                .body("total_spend", equalTo(List.of(0.15f, 0.0085f, 0.0045f)));
        admin().get("/global/spend/report?" + RANGE + "&group_by=key&granularity=total")
                .then()
                .body("api_key", equalTo(List.of(K2, K1)))
                .body("key_alias", equalTo(java.util.Arrays.asList(null, "k-one")))
                .body("total_spend", equalTo(List.of(0.1545f, 0.0085f)));
        admin().get("/global/spend/report?" + RANGE + "&group_by=team&flat=true")
                .then()
                .body("$", hasSize(3))
                .body("[0].group_by_day", equalTo("2030-01-01"))
                .body("[0].team_id", equalTo("t1"))
                .body("[0].total_spend", equalTo(0.008f));
        admin().get("/global/spend/report?" + RANGE + "&group_by=user&granularity=total")
                .then()
                .body("user", equalTo(List.of("u2", "u1")));
        admin().get("/global/spend/report?" + RANGE + "&group_by=customer&granularity=total&flat=true")
                .then()
                .body("end_user", equalTo(List.of("app-b", "app-a")))
                .body("requests", equalTo(List.of(2, 2)));
        admin().get("/global/spend/report?" + RANGE + "&group_by=provider&granularity=total")
                .then()
                .body("provider", equalTo(List.of("openai", "anthropic")));
        admin().get("/global/spend/report?" + RANGE + "&group_by=tag&granularity=total")
                .then()
                .body("tag", equalTo(List.of("t-b", "t-a")))
                .body("total_spend", equalTo(List.of(0.1545f, 0.008f)));
        checkLiteLlmShapes();
        admin().get("/spend/tags?" + RANGE)
                .then()
                .statusCode(200)
                .body("[0].individual_request_tag", equalTo("t-b"))
                .body("[0].log_count", equalTo(2))
                .body("[0].total_spend", equalTo(0.1545f))
                .body("[1].individual_request_tag", equalTo("t-a"));
        admin().get("/global/spend?" + RANGE)
                .then()
                .body("spend", equalTo(0.163f))
                .body("max_budget", nullValue());
        admin().get("/global/spend/models?" + RANGE + "&limit=2")
                .then()
                .body("$", hasSize(2))
                .body("[0].model", equalTo("gpt-4o-mini"))
                .body("[0].total_spend", equalTo(0.15f));
        admin().get("/global/spend/keys?" + RANGE)
                .then()
                .body("[1].api_key", equalTo(K1))
                .body("[1].key_alias", equalTo("k-one"));
        admin().get("/global/spend/teams?" + RANGE).then().body("team_id", equalTo(List.of("t2", "t1")));
        admin().get("/spend/usage?end_user=app-a&from=2030-01-01&to=2030-01-03")
                .then()
                .statusCode(200)
                .body("end_user", equalTo("app-a"))
                .body("group_by", equalTo("day"))
                .body("data", hasSize(2))
                .body("data[0].group", equalTo("2030-01-01"))
                .body("data[0].spend", equalTo("0.0035"))
                .body("total.requests", equalTo(2))
                .body("total.prompt_tokens", equalTo(3000))
                .body("total.spend", equalTo("0.0085"));
        admin().get("/spend/usage?end_user=app-b&from=2030-01-01&to=2030-01-03&group_by=model")
                .then()
                .body("data.group", equalTo(List.of("claude-sonnet-4", "gpt-4o-mini")));
    }

    /** LiteLLM's nested /global/spend/report and its other spend views, from the rollups. */
    private void checkLiteLlmShapes() {
        // default: group_by team, per day, each team with its per-model-and-key metadata (highest spend first)
        admin().get("/global/spend/report?" + RANGE)
                .then()
                .statusCode(200)
                .body("group_by_day", equalTo(List.of("2030-01-01", "2030-01-02", "2030-01-03")))
                .body("[0].teams", hasSize(1))
                .body("[0].teams[0].team_name", equalTo("t1"))
                .body("[0].teams[0].total_spend", equalTo(0.008f))
                .body("[0].teams[0].metadata.model", equalTo(List.of("claude-sonnet-4", "gpt-4o")))
                .body("[0].teams[0].metadata.api_key", equalTo(List.of(K2, K1)))
                .body("[0].teams[0].metadata.spend", equalTo(List.of(0.0045f, 0.0035f)))
                .body("[0].teams[0].metadata.total_tokens", equalTo(List.of(1100, 1100)))
                .body("[1].teams[0].team_name", equalTo("t2"))
                .body("[2].teams[0].metadata[0].total_tokens", equalTo(1_000_000));
        admin().get("/global/spend/report?" + RANGE + "&group_by=customer")
                .then()
                .body("[0].customers.customer", equalTo(List.of("app-b", "app-a")))
                .body("[0].customers.total_spend", equalTo(List.of(0.0045f, 0.0035f)));
        admin().get("/global/spend/report?" + RANGE + "&group_by=team&team_id=t2")
                .then()
                .body("group_by_day", equalTo(List.of("2030-01-02", "2030-01-03")));
        admin().get("/global/spend/report?" + RANGE + "&group_by=api_key")
                .then()
                .body("api_key", equalTo(List.of(K2, K1)))
                .body("total_cost", equalTo(List.of(0.1545f, 0.0085f)))
                .body("total_input_tokens", equalTo(List.of(1_001_000, 3000)))
                .body("total_output_tokens", equalTo(List.of(100, 100)))
                .body("[0].model_details.model", equalTo(List.of("gpt-4o-mini", "claude-sonnet-4")))
                .body("[1].model_details[0].total_cost", equalTo(0.0085f));
        // a key (clear or hashed) or an internal user asks for that key's / user's per-key report
        admin().get("/global/spend/report?" + RANGE + "&api_key=sk-report-key-1")
                .then()
                .body("api_key", equalTo(List.of(K1)));
        admin().get("/global/spend/report?" + RANGE + "&internal_user_id=u2")
                .then()
                .body("api_key", equalTo(List.of(K2)));
        admin().get("/global/activity?" + RANGE)
                .then()
                .statusCode(200)
                .body("daily_data.date", equalTo(List.of("Jan 01", "Jan 02", "Jan 03")))
                .body("daily_data.day", equalTo(List.of("2030-01-01", "2030-01-02", "2030-01-03")))
                .body("daily_data.api_requests", equalTo(List.of(2, 1, 1)))
                .body("daily_data.total_tokens", equalTo(List.of(2200, 2000, 1_000_000)))
                .body("sum_api_requests", equalTo(4))
                .body("sum_total_tokens", equalTo(1_004_200));
        admin().get("/global/spend/tags?" + RANGE)
                .then()
                .statusCode(200)
                .body("spend_per_tag.name", equalTo(List.of("t-b", "t-a")))
                .body("spend_per_tag.spend", equalTo(List.of(0.1545f, 0.008f)))
                .body("spend_per_tag.log_count", equalTo(List.of(2, 2)));
        admin().get("/global/spend/tags?" + RANGE + "&tags=t-a")
                .then()
                .body("spend_per_tag.name", equalTo(List.of("t-a")));
        admin().get("/global/spend/tags?" + RANGE + "&tags=t-a,all-tags").then().body("spend_per_tag", hasSize(2));
    }

    @Test
    void nestedReportCsvHasOneRowPerDayGroupModelAndKey() {
        String csv = admin().accept("text/csv")
                .get("/global/spend/report?" + RANGE)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        assertEquals("group_by_day,team_name,team_id,model,api_key,spend,total_tokens", lines[0]);
        assertEquals("2030-01-01,t1,t1,claude-sonnet-4," + K2 + ",0.0045,1100", lines[1]);
        assertEquals(5, lines.length);
    }

    @Test
    void liteLlmViewsRefuseAMissingRange() {
        admin().get("/global/activity?start_date=2030-01-01")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("end_date"))
                .body("error.message", containsString("start_date and end_date"));
        admin().get("/global/spend/tags").then().statusCode(400).body("error.param", equalTo("start_date"));
        given().get("/global/activity?" + RANGE).then().statusCode(401);
    }

    @Test
    void csvExport() {
        String csv = admin().accept("text/csv")
                .get("/global/spend/report?" + RANGE + "&group_by=model")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .extract()
                .asString();
        String[] lines = csv.split("\r\n");
        assertEquals("group_by_day,model,requests,prompt_tokens,completion_tokens,total_tokens,total_spend", lines[0]);
        assertEquals("2030-01-01,claude-sonnet-4,1,1000,100,1100,0.0045", lines[1]);
        assertEquals(5, lines.length);
        admin().get("/spend/tags?" + RANGE + "&format=csv")
                .then()
                .contentType(startsWith("text/csv"))
                .body(startsWith("individual_request_tag,log_count,total_spend\r\nt-b,2,0.1545\r\n"));
        admin().accept("text/csv")
                .get("/spend/logs?user_id=u1&" + RANGE)
                .then()
                .body(startsWith("request_id,call_type,api_key"))
                .body(containsString("rep-3,chat_completion," + K1 + ",k-one,0.005,2000,2000,0"));
        // empty report still has its header
        admin().accept("text/csv")
                .get("/global/spend/report?start_date=2031-01-01&end_date=2031-01-02&flat=true")
                .then()
                .body(equalTo("group_by_day,requests,prompt_tokens,completion_tokens,total_tokens,total_spend\r\n"));
        admin().accept("text/csv")
                .get("/global/spend/report?start_date=2031-01-01&end_date=2031-01-02")
                .then()
                .body(equalTo("group_by_day,team_name,team_id,model,api_key,spend,total_tokens\r\n"));
        admin().accept("text/csv").get("/global/spend?" + RANGE).then().body(equalTo("spend,max_budget\r\n0.163,\r\n"));
    }

    @Test
    void spendLogsFilterAndPage() {
        admin().get("/spend/logs?user_id=u1&" + RANGE)
                .then()
                .statusCode(200)
                .body("request_id", equalTo(List.of("rep-3", "rep-1")))
                .body("[0].spend", equalTo(0.005f))
                .body("[0].startTime", equalTo("2030-01-02T06:00:00Z"))
                .body("[1].request_tags", equalTo(List.of("t-a")))
                .body("[1].completionStartTime", equalTo("2030-01-01T10:00:00.200Z"));
        admin().get("/spend/logs?user_id=u1&page_size=1&" + RANGE)
                .then()
                .header("x-next-page", "2")
                .body("request_id", equalTo(List.of("rep-3")));
        admin().get("/spend/logs?user_id=u1&page_size=1&page=2&" + RANGE)
                .then()
                .header("x-next-page", nullValue())
                .body("request_id", equalTo(List.of("rep-1")));
        admin().get("/spend/logs?api_key=sk-report-key-2&" + RANGE)
                .then()
                .body("request_id", equalTo(List.of("rep-4", "rep-2")));
        admin().get("/spend/logs?key_hash=" + K2 + "&model=claude-sonnet-4&" + RANGE)
                .then()
                .body("request_id", equalTo(List.of("rep-2")));
        admin().get("/spend/logs?team_id=t2&" + RANGE).then().body("request_id", equalTo(List.of("rep-4", "rep-3")));
        admin().get("/spend/logs?team_id=t1&start_date=2030-01-02&end_date=2030-01-03")
                .then()
                .body("$", hasSize(0));
        admin().get("/spend/logs?start_date=2030-01-01T23:00:00Z&end_date=2030-01-02T06:00:00Z")
                .then()
                .body("request_id", equalTo(List.of("rep-3", "rep-2")));
        admin().get("/spend/logs?request_id=rep-2").then().body("[0].custom_llm_provider", equalTo("anthropic"));
    }

    @Test
    void badParametersAndAuth() {
        admin().get("/global/spend/report?group_by=color")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("group_by"));
        admin().get("/global/spend/report?start_date=2030-13-01")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("start_date"));
        admin().get("/global/spend/report?start_date=2030-01-05&end_date=2030-01-01")
                .then()
                .statusCode(400);
        admin().get("/spend/logs?page_size=5000").then().statusCode(400);
        admin().get("/spend/usage").then().statusCode(400).body("error.param", equalTo("end_user"));
        given().get("/global/spend/report").then().statusCode(401);
        given().get("/spend/logs").then().statusCode(401);
        // health and metrics need no key
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("cost_tracker_events_ingested_total"));
    }
}
