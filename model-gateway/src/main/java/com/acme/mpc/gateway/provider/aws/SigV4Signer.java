package com.acme.mpc.gateway.provider.aws;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for header-signed requests, written from AWS's specification ("Create a signed AWS API
 * request") and checked against AWS's published SigV4 test suite. Pure: the caller supplies the clock.
 *
 * <p>The path is encoded segment by segment as given; callers pass the path as it goes on the wire (with the model id
 * already percent-encoded), so a {@code :} in a Bedrock model id is signed as {@code %253A}, as AWS's SDKs sign every
 * service but S3.
 */
public final class SigV4Signer {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** Static AWS credentials; {@code sessionToken} is null for long-term keys. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + "]"; // the secret and the token stay out of logs
        }
    }

    /**
     * @param headers every header to send, lowercase names, including {@code x-amz-date},
     *     {@code x-amz-security-token} (with a session token) and {@code authorization}
     */
    public record Signed(
            String canonicalRequest, String stringToSign, String authorization, Map<String, String> headers) {}

    private SigV4Signer() {}

    /**
     * Signs a request. {@code headers} (any case; must hold {@code host}) are all signed; {@code query} holds decoded
     * name/value pairs.
     */
    public static Signed sign(
            String method,
            String path,
            List<Map.Entry<String, String>> query,
            Map<String, String> headers,
            byte[] payload,
            Credentials credentials,
            String region,
            String service,
            Instant at) {
        String amzDate = AMZ_DATE.format(at);
        String date = amzDate.substring(0, 8);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((k, v) -> signed.put(k.toLowerCase(java.util.Locale.ROOT), canonicalValue(v)));
        signed.put("x-amz-date", amzDate);
        if (credentials.sessionToken() != null) {
            signed.put("x-amz-security-token", credentials.sessionToken());
        }
        if (!signed.containsKey("host")) {
            throw new IllegalArgumentException("the host header must be signed");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        signed.forEach(
                (k, v) -> canonicalHeaders.append(k).append(':').append(v).append('\n'));
        String signedHeaders = String.join(";", signed.keySet());
        String canonicalRequest = method + "\n"
                + canonicalUri(path) + "\n"
                + canonicalQuery(query) + "\n"
                + canonicalHeaders + "\n"
                + signedHeaders + "\n"
                + HEX.formatHex(sha256(payload));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, stringToSign));
        String authorization = ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope + ", SignedHeaders="
                + signedHeaders + ", Signature=" + signature;
        TreeMap<String, String> out = new TreeMap<>(signed);
        out.put("authorization", authorization);
        return new Signed(canonicalRequest, stringToSign, authorization, out);
    }

    /** Each path segment URI-encoded; an empty path is {@code /}. */
    static String canonicalUri(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            out.append(uriEncode(path.substring(start, end)));
            if (slash < 0) {
                break;
            }
            out.append('/');
            start = slash + 1;
        }
        return out.toString();
    }

    /** Encoded names and values, sorted by name and then value. */
    static String canonicalQuery(List<Map.Entry<String, String>> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : query) {
            pairs.add(new String[] {uriEncode(e.getKey()), uriEncode(e.getValue() == null ? "" : e.getValue())});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] p : pairs) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    /** RFC 3986: everything but the unreserved characters, as upper-case %XX of its UTF-8 bytes. */
    public static String uriEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
                out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The {@code host} header for {@code url}: the port only when it is not the scheme's default. */
    public static String hostHeader(java.net.URI url) {
        int port = url.getPort();
        boolean defaultPort = port == -1
                || port == 443 && "https".equals(url.getScheme())
                || port == 80 && "http".equals(url.getScheme());
        return defaultPort ? url.getHost() : url.getHost() + ":" + port;
    }

    /** Trimmed, with runs of spaces collapsed to one. */
    private static String canonicalValue(String value) {
        return value.strip().replaceAll(" +", " ");
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
