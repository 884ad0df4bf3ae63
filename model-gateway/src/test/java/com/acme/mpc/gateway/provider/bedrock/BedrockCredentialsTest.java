package com.acme.mpc.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.aws.AwsCredentialsProvider;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.testsupport.logging.LogCapture;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bedrock/} deployments whose credentials are not static keys: an assumed role (STS AssumeRole, SigV4-signed
 * with the base keys), EKS IRSA (AssumeRoleWithWebIdentity with the token file), a web identity token param, and
 * shared-config profiles; against a local STS speaking the Query API's XML and a local {@code bedrock-runtime} that
 * checks every signature against the sessions STS issued.
 */
class BedrockCredentialsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ROLE = "arn:aws:iam::123456789012:role/bedrock-invoke";
    private static final String BASE_KEY = "AKIABASEEXAMPLE";
    private static final String BASE_SECRET = "base-secret-wJalrXUtnFEMI/K7MDENG";
    private static final String CLAUDE = "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse";

    @TempDir
    Path dir;

    private Vertx vertx;
    private FakeSts sts;
    private FakeUpstream bedrock;
    private BedrockAdapter adapter;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        sts = new FakeSts(Map.of(BASE_KEY, BASE_SECRET));
        bedrock = FakeBedrock.start(sts.sessions);
        UpstreamHttp http = new UpstreamHttp(vertx);
        adapter = new BedrockAdapter(http, new AwsCredentialsProvider(http, vertx));
        env.put("BASE_SECRET", BASE_SECRET);
    }

    @AfterEach
    void stop() {
        sts.close();
        bedrock.close();
        vertx.close();
    }

    private Deployment deployment(String params) {
        String yaml = """
                model_list:
                  - model_name: claude
                    litellm_params: {model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, aws_bedrock_runtime_endpoint: %s, %s}
                general_settings: {master_key: sk-m}
                """.formatted(bedrock.baseUrl(), params);
        Deployment d =
                new ConfigLoader(env::get).parse(yaml, "test").group("claude").get(0);
        assertThat(d.available()).as(String.valueOf(d.unavailable())).isTrue();
        return d;
    }

    private Uni<ObjectNode> chat(Deployment d) {
        ObjectNode body = Json.objectOrNull("{\"model\":\"" + d.upstreamModel()
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":20}");
        return adapter.chat(new UpstreamCall(d, CallType.CHAT_COMPLETION, body, "req-1", WAIT, WAIT));
    }

    private ObjectNode chatNow(Deployment d) {
        return chat(d).await().atMost(WAIT);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    @Test
    void anAssumedRoleIsFetchedWithSignedAssumeRoleAndSignsBedrockWithItsSession() {
        Deployment d = deployment("aws_access_key_id: " + BASE_KEY + ", aws_secret_access_key: os.environ/BASE_SECRET,"
                + " aws_role_name: '" + ROLE + "', aws_session_name: gateway-bedrock, aws_external_id: ext-42,"
                + " aws_session_tags: [{Key: team, Value: genai}, {Key: app, Value: gateway}],"
                + " aws_region_name: us-east-1, aws_sts_endpoint: " + sts.url());

        assertThat(chatNow(d)
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("Hello! How can I help you today?");

        assertThat(sts.calls()).isEqualTo(1);
        FakeUpstream.Recorded assume = sts.server.lastRequest();
        assertThat(assume.method()).isEqualTo("POST");
        assertThat(assume.path()).isEqualTo("/");
        assertThat(assume.headers().get("content-type")).startsWith("application/x-www-form-urlencoded");
        assertThat(FakeSts.form(assume.body()))
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("Action", "AssumeRole"),
                        Map.entry("Version", "2011-06-15"),
                        Map.entry("RoleArn", ROLE),
                        Map.entry("RoleSessionName", "gateway-bedrock"),
                        Map.entry("ExternalId", "ext-42"),
                        // sorted by key, as LiteLLM sends them
                        Map.entry("Tags.member.1.Key", "app"),
                        Map.entry("Tags.member.1.Value", "gateway"),
                        Map.entry("Tags.member.2.Key", "team"),
                        Map.entry("Tags.member.2.Value", "genai"),
                        Map.entry("DurationSeconds", "3600")));
        // signed with the base keys for sts in the STS region (FakeSts recomputes the signature with SigV4Signer)
        assertThat(assume.headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + BASE_KEY + "/" + today() + "/us-east-1/sts/aws4_request,"
                        + " SignedHeaders=content-type;host;x-amz-date, Signature=");

        FakeUpstream.Recorded converse = bedrock.lastRequest();
        assertThat(converse.path()).isEqualTo(CLAUDE);
        assertThat(converse.headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=ASIAFAKESESSION1/" + today() + "/us-east-1/bedrock/");
        assertThat(converse.headers()).containsEntry("x-amz-security-token", sts.tokens.get("ASIAFAKESESSION1"));
    }

    @Test
    void anHourLongSessionIsReusedWithoutAskingStsAgain() {
        Deployment d = deployment("aws_access_key_id: " + BASE_KEY + ", aws_secret_access_key: os.environ/BASE_SECRET,"
                + " aws_role_name: '" + ROLE + "', aws_sts_endpoint: " + sts.url());
        chatNow(d);
        chatNow(d);
        assertThat(sts.calls()).isEqualTo(1);
        // LiteLLM's default session name
        assertThat(FakeSts.form(sts.server.lastRequest().body()).get("RoleSessionName"))
                .matches("litellm-session-\\d+");
    }

    private Deployment roleDeployment(String sessionName) {
        return deployment("aws_access_key_id: " + BASE_KEY + ", aws_secret_access_key: os.environ/BASE_SECRET,"
                + " aws_role_name: '" + ROLE + "', aws_session_name: " + sessionName + ", aws_sts_endpoint: "
                + sts.url());
    }

    private String signedToken() {
        return bedrock.lastRequest().headers().get("x-amz-security-token");
    }

    @Test
    void withinFiveMinutesOfExpiryTheSessionIsRenewedInTheBackground() throws InterruptedException {
        sts.lifetime = Duration.ofMinutes(4); // already inside the renewal window when issued
        Deployment d = roleDeployment("renewed");
        chatNow(d);
        assertThat(signedToken()).isEqualTo(sts.tokens.get("ASIAFAKESESSION1"));
        chatNow(d); // signs with the session it has, and starts the renewal
        assertThat(signedToken()).isEqualTo(sts.tokens.get("ASIAFAKESESSION1"));
        long until = System.nanoTime() + WAIT.toNanos();
        while (sts.tokens.get("ASIAFAKESESSION1").equals(signedToken()) && System.nanoTime() < until) {
            Thread.sleep(20);
            chatNow(d);
        }
        assertThat(signedToken()).isNotEqualTo(sts.tokens.get("ASIAFAKESESSION1"));
        assertThat(sts.calls()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSessionAboutToExpireIsNeverUsedCallersWaitForTheNewOne() {
        sts.lifetime = Duration.ofSeconds(30); // less than a call may take
        Deployment d = roleDeployment("short");
        chatNow(d);
        chatNow(d);
        assertThat(sts.calls()).isEqualTo(2);
        assertThat(signedToken()).isEqualTo(sts.tokens.get("ASIAFAKESESSION2"));
    }

    @Test
    void aFailedRenewalKeepsTheCurrentSessionUntilItExpires() {
        sts.lifetime = Duration.ofMinutes(4);
        Deployment d = roleDeployment("kept");
        chatNow(d);
        sts.error = new Object[] {503, "ServiceUnavailable", "Service is unavailable"};
        try (LogCapture logs = LogCapture.start()) {
            chatNow(d); // the renewal it starts fails
            LogCapture.Line warning = logs.await(l -> l.message().contains("could not be renewed"), WAIT);
            assertThat(warning.message())
                    .contains("AssumeRole for " + ROLE + " failed: ServiceUnavailable")
                    .doesNotContain(BASE_SECRET)
                    .doesNotContain(sts.sessions.get("ASIAFAKESESSION1"))
                    .doesNotContain(sts.tokens.get("ASIAFAKESESSION1"));
        }
        chatNow(d); // within the quiet time after a failure: no STS call
        assertThat(sts.calls()).isEqualTo(2);
        assertThat(bedrock.requests())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.headers().get("x-amz-security-token"))
                        .isEqualTo(sts.tokens.get("ASIAFAKESESSION1")));
    }

    @Test
    void concurrentCallsShareOneStsCall() {
        sts.delayMillis = 300;
        Deployment d = deployment("aws_access_key_id: " + BASE_KEY + ", aws_secret_access_key: os.environ/BASE_SECRET,"
                + " aws_role_name: '" + ROLE + "', aws_sts_endpoint: " + sts.url());
        List<ObjectNode> answers = Uni.join()
                .all(IntStream.range(0, 8).mapToObj(i -> chat(d)).toList())
                .andFailFast()
                .await()
                .atMost(WAIT);
        assertThat(answers).hasSize(8);
        assertThat(sts.calls()).isEqualTo(1);
        assertThat(bedrock.requests())
                .hasSize(8)
                .allSatisfy(r -> assertThat(r.headers().get("x-amz-security-token"))
                        .isEqualTo(sts.tokens.get("ASIAFAKESESSION1")));
    }

    @Test
    void irsaReadsTheTokenFileAtEachRefresh() throws IOException {
        Path token = dir.resolve("token");
        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.first.sig\n");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        env.put("AWS_ROLE_ARN", ROLE);
        env.put("AWS_ROLE_SESSION_NAME", "pod-llm-gateway");
        env.put("AWS_ENDPOINT_URL_STS", sts.url());
        env.put("AWS_REGION", "eu-west-1");
        sts.lifetime = Duration.ofSeconds(30); // each call waits for a new session
        Deployment d = deployment("aws_session_token: unused-without-keys");

        chatNow(d);
        FakeUpstream.Recorded first = sts.server.lastRequest();
        assertThat(first.headers()).doesNotContainKey("authorization"); // the token is the credential
        assertThat(FakeSts.form(first.body()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "Action", "AssumeRoleWithWebIdentity",
                        "Version", "2011-06-15",
                        "RoleArn", ROLE,
                        "RoleSessionName", "pod-llm-gateway",
                        "WebIdentityToken", "eyJhbGciOiJSUzI1NiJ9.first.sig",
                        "DurationSeconds", "3600"));
        assertThat(bedrock.lastRequest().headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=ASIAFAKESESSION1/" + today() + "/eu-west-1/bedrock/");

        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.rotated.sig"); // kubelet rotated it
        chatNow(d);
        assertThat(FakeSts.form(sts.server.lastRequest().body()).get("WebIdentityToken"))
                .isEqualTo("eyJhbGciOiJSUzI1NiJ9.rotated.sig");
        assertThat(bedrock.lastRequest().headers().get("x-amz-security-token"))
                .isEqualTo(sts.tokens.get("ASIAFAKESESSION2"));
    }

    @Test
    void irsaThenAnotherAccountsRole() throws IOException {
        Path token = dir.resolve("token");
        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.pod.sig");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        env.put("AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/pod");
        Deployment d = deployment("aws_role_name: '" + ROLE + "', aws_session_name: cross, aws_sts_endpoint: "
                + sts.url() + ", aws_region_name: us-east-1");

        chatNow(d);
        assertThat(sts.server.requests()).hasSize(2);
        assertThat(FakeSts.form(sts.server.requests().get(0).body()))
                .containsEntry("Action", "AssumeRoleWithWebIdentity")
                .containsEntry("RoleArn", "arn:aws:iam::111111111111:role/pod");
        FakeUpstream.Recorded assume = sts.server.requests().get(1);
        assertThat(FakeSts.form(assume.body()))
                .containsEntry("Action", "AssumeRole")
                .containsEntry("RoleArn", ROLE);
        // AssumeRole is signed with the pod's web identity session
        assertThat(assume.headers()).containsEntry("x-amz-security-token", sts.tokens.get("ASIAFAKESESSION1"));
        assertThat(bedrock.lastRequest().headers())
                .containsEntry("x-amz-security-token", sts.tokens.get("ASIAFAKESESSION2"));
    }

    @Test
    void aWebIdentityTokenParamAssumesTheRoleDirectly() {
        env.put("OIDC_TOKEN", "eyJhbGciOiJSUzI1NiJ9.param.sig");
        Deployment d = deployment("aws_role_name: '" + ROLE + "', aws_session_name: oidc,"
                + " aws_web_identity_token: os.environ/OIDC_TOKEN, aws_sts_endpoint: " + sts.url());
        chatNow(d);
        assertThat(FakeSts.form(sts.server.lastRequest().body()))
                .containsEntry("Action", "AssumeRoleWithWebIdentity")
                .containsEntry("RoleArn", ROLE)
                .containsEntry("RoleSessionName", "oidc")
                .containsEntry("WebIdentityToken", "eyJhbGciOiJSUzI1NiJ9.param.sig");
        assertThat(bedrock.lastRequest().headers())
                .containsEntry("x-amz-security-token", sts.tokens.get("ASIAFAKESESSION1"));
    }

    @Test
    void stsAccessDeniedIsTheDeploymentsAuthenticationErrorWithoutSecrets() {
        sts.error = new Object[] {
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/gateway is not authorized to perform: sts:AssumeRole on resource: "
                    + ROLE
        };
        Deployment d = deployment("aws_access_key_id: " + BASE_KEY + ", aws_secret_access_key: os.environ/BASE_SECRET,"
                + " aws_role_name: '" + ROLE + "', aws_sts_endpoint: " + sts.url());
        assertThatThrownBy(() -> chatNow(d)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.type()).isEqualTo("permission_error");
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .startsWith("bedrock: STS AssumeRole for " + ROLE + " failed: AccessDenied: User:")
                    .doesNotContain(BASE_SECRET);
        });
        assertThat(bedrock.requests()).isEmpty();

        // a failure is not cached: the next call asks STS again
        sts.error = new Object[] {400, "Throttling", "Rate exceeded"};
        assertThatThrownBy(() -> chatNow(d)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retriable()).isTrue(); // another deployment is tried, this one may cool down
            assertThat(e.getMessage()).contains("Throttling: Rate exceeded");
        });
        sts.error = null;
        chatNow(d);
        assertThat(sts.calls()).isEqualTo(3);
    }

    @Test
    void aRejectedWebIdentityTokenIsAnAuthenticationErrorThatNeverShowsTheToken() {
        env.put("OIDC_TOKEN", "eyJhbGciOiJSUzI1NiJ9.expired.sig");
        sts.error = new Object[] {400, "InvalidIdentityToken", "Token eyJhbGciOiJSUzI1NiJ9.expired.sig is expired"};
        Deployment d = deployment("aws_role_name: '" + ROLE + "', aws_session_name: oidc,"
                + " aws_web_identity_token: os.environ/OIDC_TOKEN, aws_sts_endpoint: " + sts.url());
        assertThatThrownBy(() -> chatNow(d)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.type()).isEqualTo("authentication_error");
            assertThat(e.getMessage()).contains("InvalidIdentityToken").doesNotContain("expired.sig");
        });
    }

    @Test
    void aStaticKeyProfileSignsWithItsKeysAndRegion() throws IOException {
        Path credentials = dir.resolve("credentials");
        Path config = dir.resolve("config");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = AKIADEFAULTPROFILE
                aws_secret_access_key = default-secret

                [bedrock]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(BASE_KEY, BASE_SECRET));
        Files.writeString(config, """
                # the config file names its sections "profile <name>"
                [profile bedrock]
                region = ap-northeast-1
                s3 =
                  max_concurrent_requests = 20
                """);
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_PROFILE", "bedrock");
        Deployment d = deployment("timeout: 30");

        chatNow(d);
        assertThat(bedrock.lastRequest().headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + BASE_KEY + "/" + today() + "/ap-northeast-1/bedrock/");
        assertThat(bedrock.lastRequest().headers()).doesNotContainKey("x-amz-security-token");
        assertThat(sts.calls()).isZero();
    }

    @Test
    void aProfileThatIsNotStaticKeysFailsTheCallWithItsReason() throws IOException {
        Path config = dir.resolve("config");
        Files.writeString(config, """
                [profile sso-dev]
                sso_session = corp
                sso_account_id = 123456789012
                """);
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("absent").toString());
        Deployment d = deployment("aws_profile_name: sso-dev");
        assertThatThrownBy(() -> chatNow(d)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("AWS profile 'sso-dev'").contains("sso_session");
        });
        Deployment missing = deployment("aws_profile_name: nobody");
        assertThatThrownBy(() -> chatNow(missing))
                .isInstanceOfSatisfying(
                        GatewayException.class,
                        e -> assertThat(e.getMessage())
                                .contains("AWS profile 'nobody'")
                                .contains("is not in"));
        assertThat(bedrock.requests()).isEmpty();
    }
}
