package dev.pipeline.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A proxy on loopback between a client and an emulator that forwards every request and,
 * for the operations chosen ({@code X-Amz-Target}, such as
 * {@code AmazonSQS.SendMessageBatch}), answers only after a delay: the emulator has done
 * the work, the client hears of it late, as from a slow service. It records when each
 * operation's calls arrived.
 */
public final class DelayingProxy implements AutoCloseable {

	private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "upgrade",
			"http2-settings", "transfer-encoding", "expect");

	private final HttpServer server;

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(4);

	private final URI target;

	private final Predicate<String> delayed;

	private final Duration delay;

	private final AtomicInteger delayedCalls = new AtomicInteger();

	private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();

	private DelayingProxy(URI target, Predicate<String> delayed, Duration delay) throws IOException {
		this.target = target;
		this.delayed = delayed;
		this.delay = delay;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", this::forward);
		this.server.start();
	}

	/**
	 * Starts a proxy.
	 * @param target the emulator's endpoint
	 * @param delayed which operations ({@code X-Amz-Target}) answer late
	 * @param delay how late
	 * @return the running proxy
	 */
	public static DelayingProxy start(URI target, Predicate<String> delayed, Duration delay) {
		try {
			return new DelayingProxy(target, delayed, delay);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The proxy's endpoint, for the client.
	 * @return the endpoint
	 */
	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/**
	 * How many calls were answered late.
	 * @return the count
	 */
	public int delayedCalls() {
		return this.delayedCalls.get();
	}

	private void forward(HttpExchange exchange) throws IOException {
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		if (target != null) {
			this.arrivals.computeIfAbsent(target, (t) -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
		}
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(this.target.resolve(exchange.getRequestURI().toString()))
			.method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
		exchange.getRequestHeaders().forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name.toLowerCase())) {
				values.forEach((value) -> request.header(name, value));
			}
		});
		HttpResponse<byte[]> response;
		try {
			response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exchange.close();
			return;
		}
		String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		if (operation != null && this.delayed.test(operation)) {
			this.delayedCalls.incrementAndGet();
			this.answers.schedule(() -> answer(exchange, response), this.delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		else {
			answer(exchange, response);
		}
	}

	/**
	 * When each call of an operation arrived.
	 * @param operation the {@code X-Amz-Target}, e.g. {@code AmazonSQS.ReceiveMessage}
	 * @return {@link System#nanoTime()} of each arrival, in order
	 */
	public List<Long> arrivals(String operation) {
		return List.copyOf(this.arrivals.getOrDefault(operation, List.of()));
	}

	private static void answer(HttpExchange exchange, HttpResponse<byte[]> response) {
		try (exchange) {
			response.headers().map().forEach((name, values) -> {
				if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
					exchange.getResponseHeaders().put(name, values);
				}
			});
			byte[] body = response.body();
			exchange.sendResponseHeaders(response.statusCode(), (body.length == 0) ? -1 : body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (IOException ex) {
			// The client gave up waiting: that is what a slow service looks like to it.
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.answers.shutdownNow();
	}

}
