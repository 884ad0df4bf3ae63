package com.acme.mpc.gateway;

import com.acme.mpc.gateway.config.ConfigHolder;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.ArrayList;
import java.util.List;

/** Command line as LiteLLM's proxy: {@code --config PATH}, {@code --port N}, {@code --help}. */
@QuarkusMain
public class GatewayMain {
    static final String HELP = """
            model-gateway: OpenAI-compatible LLM gateway (LiteLLM proxy config format)

            Usage: java -jar model-gateway/target/quarkus-app/quarkus-run.jar [--config PATH] [--port N]

              --config PATH   LiteLLM-format config.yaml (else $CONFIG_FILE_PATH, else gateway.config-file,
                              else ./config.yaml)
              --port N        HTTP port (default 4000; also QUARKUS_HTTP_PORT)
              --help          this text

            Endpoints (each also under /v1): POST /chat/completions, /completions, /embeddings;
            GET /models, /model/info, /health, /health/liveliness, /health/readiness; /metrics, /q/health, /q/metrics.
            Configuration reference: model-gateway/README.md and docs/configuration.md.
            """;

    public static void main(String... args) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.print(HELP);
                    return;
                }
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        System.err.println("--config needs a path");
                        System.exit(2);
                    }
                    ConfigHolder.setCommandLinePath(args[++i]);
                }
                case "--port" -> {
                    if (i + 1 >= args.length) {
                        System.err.println("--port needs a number");
                        System.exit(2);
                    }
                    System.setProperty("quarkus.http.port", args[++i]);
                }
                default -> rest.add(args[i]);
            }
        }
        Quarkus.run(rest.toArray(String[]::new));
    }
}
