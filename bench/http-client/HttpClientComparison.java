import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import dev.sessiongateway.upstream.Upstream;
import dev.sessiongateway.upstream.UpstreamSettings;

/**
 * Compares the two HTTP clients the gateway could use under RestClient, side by side in one run:
 * the gateway's pooled Apache HttpClient 5 (its Upstream class) and the JDK HttpClient
 * (HTTP/1.1, virtual-thread executor, the same concurrency cap as a semaphore). Both send the
 * same POST to a local nginx from the same number of virtual threads, in alternating rounds.
 *
 * Usage: java -cp CLASSPATH HttpClientComparison.java [baseUrl] [concurrency] [seconds] [rounds]
 */
public class HttpClientComparison {

	interface Call {

		void run();

	}

	public static void main(String[] args) throws Exception {
		String baseUrl = (args.length > 0) ? args[0] : "http://127.0.0.1:18080";
		int concurrency = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
		int seconds = (args.length > 2) ? Integer.parseInt(args[2]) : 10;
		int rounds = (args.length > 3) ? Integer.parseInt(args[3]) : 3;
		byte[] body = "{\"session_id\":\"s-1\",\"variables\":{\"customer\":\"c-42\"}}".getBytes();

		Upstream apache = new Upstream(new UpstreamSettings("bench", URI.create(baseUrl), Duration.ofSeconds(2),
				Duration.ofSeconds(10), concurrency, Duration.ofSeconds(1), 0, DataSize.ofMegabytes(1), 0,
				Duration.ofSeconds(10)),
				RestClient.builder(), new SimpleMeterRegistry(), List.of());
		Call apacheCall = () -> apache.exchange(HttpMethod.POST, "/v1/projects/{p}/sessions",
				(headers) -> headers.setBearerAuth("dk_bench"), body, "p");

		HttpClient jdkHttp = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		JdkClientHttpRequestFactory jdkFactory = new JdkClientHttpRequestFactory(jdkHttp);
		jdkFactory.setReadTimeout(Duration.ofSeconds(10));
		RestClient jdk = RestClient.builder().requestFactory(jdkFactory).baseUrl(baseUrl).build();
		Semaphore cap = new Semaphore(concurrency);
		Call jdkCall = () -> {
			cap.acquireUninterruptibly();
			try {
				jdk.post()
					.uri("/v1/projects/{p}/sessions", "p")
					.headers((headers) -> headers.setBearerAuth("dk_bench"))
					.contentType(MediaType.APPLICATION_JSON)
					.body(body)
					.exchange((req, res) -> res.getBody().readAllBytes(), true);
			}
			finally {
				cap.release();
			}
		};

		Map<String, Call> clients = Map.of("apache-hc5", apacheCall, "jdk", jdkCall);
		List<String> order = List.of("apache-hc5", "jdk");
		System.out.printf("target %s, %d virtual threads, %d s per round, %d rounds%n", baseUrl, concurrency,
				seconds, rounds);
		for (String name : order) {
			measure(name + " (warm-up)", clients.get(name), concurrency, 3);
		}
		Map<String, List<Double>> throughput = new java.util.HashMap<>();
		for (int round = 0; round < rounds; round++) {
			for (String name : (round % 2 == 0) ? order : order.reversed()) {
				throughput.computeIfAbsent(name, (k) -> new ArrayList<>())
					.add(measure(name, clients.get(name), concurrency, seconds));
			}
		}
		double apacheMean = throughput.get("apache-hc5").stream().mapToDouble(Double::doubleValue).average().orElse(0);
		double jdkMean = throughput.get("jdk").stream().mapToDouble(Double::doubleValue).average().orElse(0);
		System.out.printf("mean throughput: apache-hc5 %.0f req/s, jdk %.0f req/s, apache/jdk = %.2f%n", apacheMean,
				jdkMean, apacheMean / jdkMean);
		apache.close();
		System.exit(0);
	}

	private static double measure(String name, Call call, int concurrency, int seconds) throws Exception {
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong errors = new AtomicLong();
		List<long[]> latencies = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		long[] counts = new long[concurrency];
		for (int i = 0; i < concurrency; i++) {
			int index = i;
			long[] mine = new long[2_000_000];
			latencies.add(mine);
			threads.add(Thread.ofVirtual().start(() -> {
				int n = 0;
				while (running.get()) {
					long start = System.nanoTime();
					try {
						call.run();
					}
					catch (RuntimeException ex) {
						errors.incrementAndGet();
					}
					if (n < mine.length) {
						mine[n] = System.nanoTime() - start;
					}
					n++;
				}
				counts[index] = n;
			}));
		}
		Thread.sleep(seconds * 1000L);
		running.set(false);
		for (Thread thread : threads) {
			thread.join();
		}
		long total = Arrays.stream(counts).sum();
		long[] all = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
		int k = 0;
		for (int i = 0; i < concurrency; i++) {
			int n = (int) Math.min(counts[i], latencies.get(i).length);
			System.arraycopy(latencies.get(i), 0, all, k, n);
			k += n;
		}
		Arrays.sort(all, 0, k);
		double perSecond = total / (double) seconds;
		System.out.printf("%-22s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d%n", name, perSecond,
				all[k / 2] / 1e6, all[(int) (k * 0.99)] / 1e6, errors.get());
		return perSecond;
	}

}
