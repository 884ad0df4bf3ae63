package com.acme.mpc.gateway.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AWS's published SigV4 test suite (service "service", region us-east-1, 2015-08-30T12:36:00Z, the example key
 * AKIDEXAMPLE): the expected Authorization headers are AWS's, not computed here.
 */
class SigV4SignerTest {
    private static final SigV4Signer.Credentials SUITE =
            new SigV4Signer.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static final Instant AT = Instant.parse("2015-08-30T12:36:00Z");
    private static final String SCOPE =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";
    private static final String STS_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWH"
            + "GBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0K"
            + "PkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8"
            + "FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static SigV4Signer.Signed sign(
            String method,
            String path,
            List<Map.Entry<String, String>> query,
            Map<String, String> extra,
            String body,
            SigV4Signer.Credentials credentials) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "example.amazonaws.com");
        headers.putAll(extra);
        return SigV4Signer.sign(
                method,
                path,
                query,
                headers,
                body.getBytes(StandardCharsets.UTF_8),
                credentials,
                "us-east-1",
                "service",
                AT);
    }

    static List<Arguments> suite() {
        return List.of(
                Arguments.of(
                        "get-vanilla",
                        "GET",
                        "/",
                        List.of(),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                Arguments.of(
                        "post-vanilla",
                        "POST",
                        "/",
                        List.of(),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
                Arguments.of(
                        "get-vanilla-query-order-key-case",
                        "GET",
                        "/",
                        List.of(Map.entry("Param2", "value2"), Map.entry("Param1", "value1")),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
                Arguments.of(
                        "get-vanilla-query-unreserved",
                        "GET",
                        "/",
                        List.of(Map.entry(
                                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
                Arguments.of(
                        "get-vanilla-utf8-query",
                        "GET",
                        "/",
                        List.of(Map.entry("\u1234", "bar")),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
                Arguments.of(
                        "get-utf8",
                        "GET",
                        "/\u1234",
                        List.of(),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
                Arguments.of(
                        "get-unreserved",
                        "GET",
                        "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        List.of(),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
                Arguments.of(
                        "post-vanilla-query",
                        "POST",
                        "/",
                        List.of(Map.entry("Param1", "value1")),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
                Arguments.of(
                        "post-vanilla-query-nonunreserved",
                        "POST",
                        "/",
                        List.of(Map.entry("@#$%^", ""), Map.entry("+", "/,?><`\";:\\|][{}")),
                        Map.of(),
                        "",
                        "SignedHeaders=host;x-amz-date, Signature=66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"),
                Arguments.of(
                        "post-header-key-sort",
                        "POST",
                        "/",
                        List.of(),
                        Map.of("My-Header1", "value1"),
                        "",
                        "SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
                Arguments.of(
                        "post-header-value-case",
                        "POST",
                        "/",
                        List.of(),
                        Map.of("My-Header1", "VALUE1"),
                        "",
                        "SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
                Arguments.of(
                        "post-x-www-form-urlencoded",
                        "POST",
                        "/",
                        List.of(),
                        Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        "Param1=value1",
                        "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
                Arguments.of(
                        "post-x-www-form-urlencoded-parameters",
                        "POST",
                        "/",
                        List.of(),
                        Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf8"),
                        "Param1=value1",
                        "SignedHeaders=content-type;host;x-amz-date, Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void matchesAwsTestSuite(
            String name,
            String method,
            String path,
            List<Map.Entry<String, String>> query,
            Map<String, String> headers,
            String body,
            String expected) {
        assertEquals(
                SCOPE + expected,
                sign(method, path, query, headers, body, SUITE).authorization(),
                name);
    }

    @Test
    void getVanillaCanonicalRequestAndStringToSignAreAwsOwn() {
        SigV4Signer.Signed s = sign("GET", "/", List.of(), Map.of(), "", SUITE);
        assertEquals(
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                s.canonicalRequest());
        assertEquals(
                "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                s.stringToSign());
        assertEquals("20150830T123600Z", s.headers().get("x-amz-date"));
    }

    @Test
    void sessionTokenIsSentAndSigned() {
        // post-sts-header-before: the token is a signed header
        SigV4Signer.Signed s = sign(
                "POST",
                "/",
                List.of(),
                Map.of(),
                "",
                new SigV4Signer.Credentials(SUITE.accessKeyId(), SUITE.secretAccessKey(), STS_TOKEN));
        assertEquals(
                SCOPE + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                        + "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
                s.authorization());
        assertEquals(STS_TOKEN, s.headers().get("x-amz-security-token"));
    }

    @Test
    void bedrockModelIdsAreEncodedOnTheWireAndAgainInTheCanonicalUri() {
        String wire = "/model/" + SigV4Signer.uriEncode("us.anthropic.claude-3-5-sonnet-20241022-v2:0") + "/converse";
        assertEquals("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse", wire);
        assertEquals(
                "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%253A0/converse", SigV4Signer.canonicalUri(wire));
        String arn = SigV4Signer.uriEncode(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0");
        assertFalse(arn.contains("/"), "an ARN stays one path segment");
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertFalse(new SigV4Signer.Credentials("AKID", "very-secret", "token-secret")
                .toString()
                .contains("secret"));
    }
}
