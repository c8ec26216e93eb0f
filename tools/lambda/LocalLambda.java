import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * A function of the deploy rehearsal run in-process as AWS Lambda runs it (moto, which the
 * rehearsal applies to, cannot invoke functions): the configuration is what moto's Lambda
 * API returns, the JVM has the function's environment (local-lambda.sh exports it), the
 * adapter's {@link FunctionInvoker} is instantiated once per execution environment, and
 * the trigger is played here: a function without an event source mapping is the load
 * balancer's Lambda target (HTTP request in, ALB event, HTTP response out); one with a
 * mapping is fed by Lambda's SQS poller. Prints ids and counts, never a body or a token.
 */
public final class LocalLambda {

	static final String HANDLER = "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest";

	static final JsonMapper JSON = JsonMapper.builder().build();

	public static void main(String[] args) throws Exception {
		try {
			run(Path.of(args[0]));
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			System.err.println("local-lambda: " + ex.getMessage());
			System.exit(2);
		}
		catch (Exception ex) {
			// Exits even if the application left threads running.
			System.err.println("local-lambda: " + ex);
			System.exit(1);
		}
	}

	private static void run(Path config) throws Exception {
		long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
		// Also during init: a stop then comes once the environments are up.
		CountDownLatch stop = new CountDownLatch(1);
		Signal.handle(new Signal("TERM"), (signal) -> stop.countDown());
		Signal.handle(new Signal("INT"), (signal) -> stop.countDown());
		FunctionConfig function = FunctionConfig.read(config);
		int port = (function.mapping() == null) ? LoadBalancerTarget.port() : 0;
		int concurrency = concurrency(function);
		ExecutionEnvironments environments = new ExecutionEnvironments(function, concurrency);
		say("ready %s in %d ms%s", function.name(), System.currentTimeMillis() - jvmStart,
				(concurrency > 1) ? " (" + concurrency + " execution environments)" : "");
		Trigger trigger = (function.mapping() != null) ? new QueuePoller(function, environments)
				: new LoadBalancerTarget(function, environments, port);
		if (stop.getCount() > 0) {
			trigger.start();
			stop.await();
			trigger.stop();
		}
		Counters counters = environments.counters;
		say("stopped %s: %d invocations, %d messages deleted, %d reported failures", function.name(),
				counters.invocations.get(), counters.deleted.get(), counters.reportedFailures.get());
		if (counters.errors.get() > 0) {
			say("%s: %d invocations failed (function error, timeout or invalid response)", function.name(),
					counters.errors.get());
		}
		// Closes the Spring contexts through their shutdown hooks.
		System.exit(0);
	}

	private static int concurrency(FunctionConfig function) {
		String value = System.getenv().getOrDefault("LOCAL_LAMBDA_CONCURRENCY", "1");
		int concurrency = Integer.parseInt(value);
		if (concurrency < 1) {
			throw new IllegalArgumentException("LOCAL_LAMBDA_CONCURRENCY must be at least 1, not " + value);
		}
		Integer maximum = (function.mapping() != null) ? function.mapping().maximumConcurrency() : null;
		return (maximum != null) ? Math.min(concurrency, maximum) : concurrency;
	}

	static void say(String format, Object... args) {
		System.out.printf("local-lambda: " + format + "%n", args);
		System.out.flush();
	}

	static ThreadFactory daemons(String name) {
		AtomicLong count = new AtomicLong();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** What get-function-configuration (and get-event-source-mapping) returned. */
	record FunctionConfig(String name, String arn, String version, int timeoutSeconds, int memoryMb,
			String logGroup, String region, EventSourceMapping mapping) {

		static FunctionConfig read(Path file) throws IOException {
			JsonNode config = JSON.readTree(Files.readAllBytes(file));
			String name = config.path("FunctionName").asString();
			String handler = config.path("Handler").asString();
			if (!HANDLER.equals(handler)) {
				throw new IllegalStateException("refusing to start " + name + ": its Handler is '" + handler
						+ "', not '" + HANDLER + "'");
			}
			if (!name.equals(System.getenv("AWS_LAMBDA_FUNCTION_NAME")) || !handler.equals(System.getenv("_HANDLER"))) {
				throw new IllegalStateException(
						"the process lacks the function's environment: start it with tools/lambda/local-lambda.sh");
			}
			JsonNode esm = config.path("EventSourceMapping");
			String logGroup = config.path("LoggingConfig").path("LogGroup").asString("/aws/lambda/" + name);
			return new FunctionConfig(name, config.path("FunctionArn").asString(),
					config.path("Version").asString("$LATEST"), config.path("Timeout").asInt(3),
					config.path("MemorySize").asInt(128), logGroup, System.getenv("AWS_REGION"),
					esm.isObject() ? EventSourceMapping.of(esm) : null);
		}

	}

	/** An SQS event source mapping. */
	record EventSourceMapping(String uuid, String queueArn, int batchSize, int windowSeconds, boolean reportFailures,
			Integer maximumConcurrency) {

		static EventSourceMapping of(JsonNode esm) {
			String arn = esm.path("EventSourceArn").asString();
			if (!arn.startsWith("arn:aws:sqs:") || arn.split(":").length != 6) {
				throw new IllegalStateException("EventSourceMapping.EventSourceArn is not a queue's ARN: " + arn);
			}
			String state = esm.path("State").asString("Enabled");
			if (!Set.of("Enabled", "Enabling", "Creating", "Updating").contains(state)) {
				throw new IllegalStateException("the event source mapping is " + state + ": Lambda would not poll");
			}
			boolean reportFailures = false;
			for (JsonNode type : esm.path("FunctionResponseTypes")) {
				reportFailures |= "ReportBatchItemFailures".equals(type.asString());
			}
			JsonNode maximum = esm.path("ScalingConfig").path("MaximumConcurrency");
			return new EventSourceMapping(esm.path("UUID").asString(""), arn, esm.path("BatchSize").asInt(10),
					esm.path("MaximumBatchingWindowInSeconds").asInt(0), reportFailures,
					maximum.isNumber() ? maximum.asInt() : null);
		}

		String queueRegion() {
			return this.queueArn.split(":")[3];
		}

		String queueAccount() {
			return this.queueArn.split(":")[4];
		}

		String queueName() {
			return this.queueArn.split(":")[5];
		}

	}

	/** How the event source reaches the function. */
	interface Trigger {

		void start() throws IOException;

		/** Stops taking events, waits for the invocations under way. */
		void stop() throws InterruptedException;

	}

	/** What an invocation returned. */
	record Result(byte[] payload, String error) {

		boolean ok() {
			return this.error == null;
		}

	}

	static final class Counters {

		final AtomicLong invocations = new AtomicLong();

		final AtomicLong deleted = new AtomicLong();

		final AtomicLong reportedFailures = new AtomicLong();

		final AtomicLong errors = new AtomicLong();

		private final AtomicLong lastThousandAt = new AtomicLong(System.nanoTime());

		void invoked(String function, boolean ok) {
			if (!ok) {
				this.errors.incrementAndGet();
			}
			long count = this.invocations.incrementAndGet();
			if (count % 1000 == 0) {
				long now = System.nanoTime();
				double seconds = (now - this.lastThousandAt.getAndSet(now)) / 1e9;
				say("%s: %d invocations (%.0f/s since the previous 1000), %d messages deleted,"
						+ " %d reported failures, %d failed", function, count, 1000 / seconds, this.deleted.get(),
						this.reportedFailures.get(), this.errors.get());
			}
		}

	}

	/**
	 * The function's execution environments: each a FunctionInvoker (one Spring context)
	 * created once and invoked one event at a time on its own thread, within the function's
	 * timeout. An environment whose invocation timed out is replaced, as Lambda does.
	 */
	static final class ExecutionEnvironments {

		final Counters counters = new Counters();

		private final FunctionConfig function;

		private final BlockingQueue<Environment> idle = new LinkedBlockingQueue<>();

		private final int size;

		private volatile boolean stopping;

		ExecutionEnvironments(FunctionConfig function, int size) throws Exception {
			this.function = function;
			this.size = size;
			for (int i = 0; i < size; i++) {
				this.idle.add(new Environment(function));
			}
		}

		/** An idle environment, or null once stopping. */
		Environment acquire() throws InterruptedException {
			while (!this.stopping) {
				Environment environment = this.idle.poll(100, TimeUnit.MILLISECONDS);
				if (environment != null) {
					return environment;
				}
			}
			return null;
		}

		void release(Environment environment) {
			if (!environment.timedOut) {
				this.idle.add(environment);
				return;
			}
			environment.thread.shutdownNow();
			say("%s: invocation timed out after %d s; starting a new execution environment", this.function.name(),
					this.function.timeoutSeconds());
			try {
				long start = System.currentTimeMillis();
				this.idle.add(new Environment(this.function));
				say("%s: the new execution environment is ready in %d ms", this.function.name(),
						System.currentTimeMillis() - start);
			}
			catch (Exception ex) {
				say("%s: a new execution environment failed to start: %s", this.function.name(), ex);
				System.exit(1);
			}
		}

		boolean stopping() {
			return this.stopping;
		}

		/** Takes no new invocation and waits for those under way. */
		void drain() throws InterruptedException {
			this.stopping = true;
			for (int i = 0; i < this.size; i++) {
				this.idle.take();
			}
		}

		static final class Environment {

			private final FunctionConfig function;

			private final ExecutorService thread;

			private final FunctionInvoker invoker;

			private final String logStream;

			private boolean timedOut;

			Environment(FunctionConfig function) throws Exception {
				this.function = function;
				this.thread = Executors.newSingleThreadExecutor(daemons("local-lambda-environment"));
				this.logStream = System.getenv().getOrDefault("AWS_LAMBDA_LOG_STREAM_NAME", "local-lambda");
				try {
					Callable<FunctionInvoker> init = FunctionInvoker::new;
					this.invoker = this.thread.submit(init).get();
				}
				catch (ExecutionException ex) {
					this.thread.shutdownNow();
					throw new IllegalStateException("init failed: " + ex.getCause(), ex.getCause());
				}
			}

			Result invoke(byte[] event) throws InterruptedException {
				long deadline = System.currentTimeMillis() + this.function.timeoutSeconds() * 1000L;
				Invocation context = new Invocation(this.function, this.logStream, UUID.randomUUID().toString(),
						deadline);
				Future<byte[]> invocation = this.thread.submit(() -> {
					ByteArrayOutputStream out = new ByteArrayOutputStream();
					this.invoker.handleRequest(new ByteArrayInputStream(event), out, context);
					return out.toByteArray();
				});
				try {
					return new Result(invocation.get(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS),
							null);
				}
				catch (TimeoutException ex) {
					invocation.cancel(true);
					this.timedOut = true;
					return new Result(null, "timed out");
				}
				catch (ExecutionException ex) {
					// The class only: an exception's message may quote the event.
					return new Result(null, ex.getCause().getClass().getName());
				}
			}

		}

	}

	/** The Lambda context of one invocation. */
	record Invocation(FunctionConfig function, String logStream, String requestId, long deadline) implements Context {

		@Override
		public String getAwsRequestId() {
			return this.requestId;
		}

		@Override
		public String getLogGroupName() {
			return this.function.logGroup();
		}

		@Override
		public String getLogStreamName() {
			return this.logStream;
		}

		@Override
		public String getFunctionName() {
			return this.function.name();
		}

		@Override
		public String getFunctionVersion() {
			return this.function.version();
		}

		@Override
		public String getInvokedFunctionArn() {
			return this.function.arn();
		}

		@Override
		public CognitoIdentity getIdentity() {
			return null;
		}

		@Override
		public ClientContext getClientContext() {
			return null;
		}

		@Override
		public int getRemainingTimeInMillis() {
			return (int) Math.max(0, this.deadline - System.currentTimeMillis());
		}

		@Override
		public int getMemoryLimitInMB() {
			return this.function.memoryMb();
		}

		@Override
		public LambdaLogger getLogger() {
			return new LambdaLogger() {
				@Override
				public void log(String message) {
					System.out.print(message);
				}

				@Override
				public void log(byte[] message) {
					System.out.write(message, 0, message.length);
				}
			};
		}

	}

	/**
	 * The load balancer in front of a Lambda target group (multi-value headers off, as the
	 * project's target group has them): each HTTP request becomes the ALB event, the
	 * function's answer the HTTP response. Limits and errors as the ALB's: a body over 1 MB
	 * is 413, a function error, timeout or invalid or oversized (1 MB) answer is 502.
	 */
	static final class LoadBalancerTarget implements Trigger {

		private static final int LIMIT = 1024 * 1024;

		private static final Set<String> TEXT = Set.of("application/json", "application/javascript",
				"application/xml");

		private static final Set<String> MANAGED = Set.of("content-length", "transfer-encoding", "connection");

		private final FunctionConfig function;

		private final ExecutionEnvironments environments;

		private final String targetGroupArn;

		private final int port;

		private HttpServer server;

		LoadBalancerTarget(FunctionConfig function, ExecutionEnvironments environments, int port) {
			this.function = function;
			this.environments = environments;
			this.port = port;
			String[] arn = function.arn().split(":");
			this.targetGroupArn = System.getenv().getOrDefault("LOCAL_LAMBDA_TARGET_GROUP_ARN",
					"arn:aws:elasticloadbalancing:" + function.region() + ":" + ((arn.length > 4) ? arn[4] : "")
							+ ":targetgroup/" + function.name() + "/0000000000000000");
		}

		/** LOCAL_LAMBDA_PORT: where the load balancer listens; 0 picks a free port. */
		static int port() {
			String port = System.getenv("LOCAL_LAMBDA_PORT");
			if (port == null || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
				throw new IllegalStateException(
						"set LOCAL_LAMBDA_PORT to the port to serve the function on (0 picks a free one), not " + port);
			}
			return Integer.parseInt(port);
		}

		@Override
		public void start() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 128);
			this.server.createContext("/", this::handle);
			this.server.setExecutor(Executors.newFixedThreadPool(this.environments.size, daemons("local-lambda-http")));
			this.server.start();
			say("%s: the load balancer's target on http://127.0.0.1:%d", this.function.name(),
					this.server.getAddress().getPort());
		}

		@Override
		public void stop() throws InterruptedException {
			// Requests meanwhile get 503 with Connection: close; then the port closes, and
			// the 503s being written get a second.
			this.environments.drain();
			this.server.stop(1);
		}

		private void handle(HttpExchange exchange) throws IOException {
			try (exchange) {
				byte[] body = readAtMost(exchange.getRequestBody(), LIMIT + 1);
				if (body.length > LIMIT) {
					loadBalancerError(exchange, 413, "Request Entity Too Large");
					return;
				}
				if ("websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"))) {
					loadBalancerError(exchange, 400, "Bad Request");
					return;
				}
				ExecutionEnvironments.Environment environment = this.environments.acquire();
				if (environment == null) {
					exchange.getResponseHeaders().set("Connection", "close");
					loadBalancerError(exchange, 503, "Service Temporarily Unavailable");
					return;
				}
				Result result;
				try {
					result = environment.invoke(JSON.writeValueAsBytes(event(exchange, body)));
				}
				finally {
					this.environments.release(environment);
				}
				if (!result.ok() || !respond(exchange, result.payload())) {
					this.environments.counters.invoked(this.function.name(), false);
					say("%s: invocation failed (%s): 502", this.function.name(),
							result.ok() ? "invalid response" : result.error());
					loadBalancerError(exchange, 502, "Bad Gateway");
					return;
				}
				this.environments.counters.invoked(this.function.name(), true);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private ObjectNode event(HttpExchange exchange, byte[] body) {
			ObjectNode event = JSON.createObjectNode();
			event.putObject("requestContext").putObject("elb").put("targetGroupArn", this.targetGroupArn);
			event.put("httpMethod", exchange.getRequestMethod());
			event.put("path", exchange.getRequestURI().getRawPath());
			// As sent: the load balancer does not decode them; the last of a repeated name.
			ObjectNode query = event.putObject("queryStringParameters");
			String rawQuery = exchange.getRequestURI().getRawQuery();
			if (rawQuery != null && !rawQuery.isEmpty()) {
				for (String pair : rawQuery.split("&")) {
					int equals = pair.indexOf('=');
					query.put((equals < 0) ? pair : pair.substring(0, equals),
							(equals < 0) ? "" : pair.substring(equals + 1));
				}
			}
			ObjectNode headers = event.putObject("headers");
			exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
					values.get(values.size() - 1)));
			String client = exchange.getRemoteAddress().getAddress().getHostAddress();
			String forwarded = headers.path("x-forwarded-for").asString(null);
			headers.put("x-forwarded-for", (forwarded != null) ? forwarded + ", " + client : client);
			headers.put("x-forwarded-port", String.valueOf(this.server.getAddress().getPort()));
			headers.put("x-forwarded-proto", "http");
			if (!headers.has("x-amzn-trace-id")) {
				headers.put("x-amzn-trace-id", traceId());
			}
			boolean text = body.length == 0 || (!headers.has("content-encoding") && isText(headers));
			event.put("body",
					text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
			event.put("isBase64Encoded", !text);
			return event;
		}

		private static boolean isText(ObjectNode headers) {
			String type = headers.path("content-type").asString("");
			type = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
			return type.startsWith("text/") || TEXT.contains(type);
		}

		private static String traceId() {
			byte[] random = new byte[12];
			ThreadLocalRandom.current().nextBytes(random);
			StringBuilder id = new StringBuilder("Root=1-").append(Long.toHexString(System.currentTimeMillis() / 1000))
				.append('-');
			for (byte b : random) {
				id.append(String.format("%02x", b));
			}
			return id.toString();
		}

		/** Writes the function's answer; false if the load balancer would not accept it. */
		private boolean respond(HttpExchange exchange, byte[] payload) throws IOException {
			if (payload.length > LIMIT) {
				return false;
			}
			JsonNode response;
			byte[] body;
			try {
				response = JSON.readTree(payload);
				JsonNode text = response.path("body");
				boolean encoded = response.path("isBase64Encoded").asBoolean(false);
				body = (text.isMissingNode() || text.isNull()) ? new byte[0]
						: encoded ? Base64.getDecoder().decode(text.asString())
								: text.asString().getBytes(StandardCharsets.UTF_8);
			}
			catch (RuntimeException ex) {
				return false;
			}
			int status = response.path("statusCode").asInt(0);
			if (!response.path("statusCode").isIntegralNumber() || status < 100 || status > 599) {
				return false;
			}
			Headers headers = exchange.getResponseHeaders();
			response.path("headers").properties().forEach((entry) -> {
				if (!MANAGED.contains(entry.getKey().toLowerCase(Locale.ROOT))) {
					headers.set(entry.getKey(), entry.getValue().asString());
				}
			});
			response.path("multiValueHeaders").properties().forEach((entry) -> {
				if (!MANAGED.contains(entry.getKey().toLowerCase(Locale.ROOT))) {
					entry.getValue().forEach((value) -> headers.add(entry.getKey(), value.asString()));
				}
			});
			boolean empty = body.length == 0 || "HEAD".equals(exchange.getRequestMethod()) || status == 204
					|| status == 304;
			exchange.sendResponseHeaders(status, empty ? -1 : body.length);
			if (!empty) {
				exchange.getResponseBody().write(body);
			}
			return true;
		}

		/** An answer of the load balancer itself, as it writes one. */
		private static void loadBalancerError(HttpExchange exchange, int status, String reason) throws IOException {
			String title = status + " " + reason;
			byte[] page = ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
					+ "</h1></center>\r\n</body>\r\n</html>\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			exchange.getResponseHeaders().set("Content-Type", "text/html");
			exchange.getResponseHeaders().set("Server", "awselb/2.0");
			exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : page.length);
			if (!"HEAD".equals(exchange.getRequestMethod())) {
				exchange.getResponseBody().write(page);
			}
		}

		private static byte[] readAtMost(InputStream in, int limit) throws IOException {
			byte[] body = in.readNBytes(limit);
			in.transferTo(OutputStream.nullOutputStream());
			return body;
		}

	}

	/**
	 * Lambda's SQS poller for the event source mapping: long polls of up to BatchSize
	 * messages (gathering for MaximumBatchingWindowInSeconds when set), the SQS event as
	 * Lambda builds it, and the deletes Lambda makes: with ReportBatchItemFailures exactly
	 * the messages not named in batchItemFailures, else all; none when the invocation fails
	 * or its answer is invalid. Unprocessed messages come back after the queue's visibility
	 * timeout, which Lambda does not change. One poller per execution environment. A stop
	 * lets the long polls under way end (at most 20 s) and makes what they bring visible
	 * again at once.
	 */
	static final class QueuePoller implements Trigger {

		/** The system attributes Lambda puts in a record, in its order. */
		private static final List<String> ATTRIBUTES = List.of("ApproximateReceiveCount", "SentTimestamp", "SenderId",
				"ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageGroupId", "MessageDeduplicationId",
				"AWSTraceHeader");

		private final FunctionConfig function;

		private final EventSourceMapping mapping;

		private final ExecutionEnvironments environments;

		private final SqsClient sqs;

		private final List<Thread> pollers = new ArrayList<>();

		private String queueUrl;

		QueuePoller(FunctionConfig function, ExecutionEnvironments environments) {
			this.function = function;
			this.mapping = function.mapping();
			this.environments = environments;
			// Endpoint and credentials from the standard AWS_* variables.
			this.sqs = SqsClient.builder()
				.region(Region.of(this.mapping.queueRegion()))
				.httpClientBuilder(Apache5HttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
				.build();
		}

		@Override
		public void start() {
			this.queueUrl = this.sqs
				.getQueueUrl((request) -> request.queueName(this.mapping.queueName())
					.queueOwnerAWSAccountId(this.mapping.queueAccount()))
				.queueUrl();
			say("%s: polling %s (batch %d, window %d s, %s)", this.function.name(), this.mapping.queueArn(),
					this.mapping.batchSize(), this.mapping.windowSeconds(),
					this.mapping.reportFailures() ? "ReportBatchItemFailures" : "whole batches");
			for (int i = 0; i < this.environments.size; i++) {
				Thread poller = daemons("local-lambda-poller").newThread(this::poll);
				this.pollers.add(poller);
				poller.start();
			}
		}

		@Override
		public void stop() throws InterruptedException {
			this.environments.drain();
			// Abandoned, a long poll would still receive what arrives before it ends, and
			// hide it for the visibility timeout.
			say("%s: waiting for the long polls under way (at most 20 s)", this.function.name());
			for (Thread poller : this.pollers) {
				poller.join(30_000);
			}
		}

		private void poll() {
			long backoff = 1000;
			while (!this.environments.stopping()) {
				try {
					List<Message> batch = gather();
					backoff = 1000;
					if (!batch.isEmpty() && !invoke(batch)) {
						release(batch);
						return;
					}
				}
				catch (SdkException ex) {
					if (this.environments.stopping()) {
						return;
					}
					say("%s: %s; polling again in %d ms", this.function.name(), ex.getClass().getSimpleName(), backoff);
					sleep(backoff);
					backoff = Math.min(backoff * 2, 30_000);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private List<Message> gather() {
			List<Message> batch = new ArrayList<>();
			long deadline = 0;
			while (batch.size() < this.mapping.batchSize() && !this.environments.stopping()) {
				int wait = 20;
				if (!batch.isEmpty()) {
					long left = deadline - System.currentTimeMillis();
					if (left <= 0) {
						break;
					}
					wait = (int) Math.min(20, (left + 999) / 1000);
				}
				int wanted = Math.min(10, this.mapping.batchSize() - batch.size());
				int waitSeconds = wait;
				List<Message> received = this.sqs
					.receiveMessage((request) -> request.queueUrl(this.queueUrl)
						.maxNumberOfMessages(wanted)
						.waitTimeSeconds(waitSeconds)
						.messageSystemAttributeNames(MessageSystemAttributeName.ALL)
						.messageAttributeNames("All"))
					.messages();
				if (batch.isEmpty()) {
					if (received.isEmpty()) {
						break;
					}
					deadline = System.currentTimeMillis() + this.mapping.windowSeconds() * 1000L;
				}
				batch.addAll(received);
			}
			return batch;
		}

		/** Invokes the function with the batch and deletes what Lambda would; false once stopping. */
		private boolean invoke(List<Message> batch) throws InterruptedException {
			ExecutionEnvironments.Environment environment = this.environments.acquire();
			if (environment == null) {
				return false;
			}
			try {
				Result result = environment.invoke(JSON.writeValueAsBytes(event(batch)));
				List<Message> done = result.ok() ? done(batch, result.payload()) : null;
				this.environments.counters.invoked(this.function.name(), done != null);
				if (done == null) {
					say("%s: invocation failed (%s): the batch of %d stays on the queue", this.function.name(),
							result.ok() ? "invalid batchItemFailures" : result.error(), batch.size());
					return true;
				}
				this.environments.counters.reportedFailures.addAndGet(batch.size() - done.size());
				delete(done);
				return true;
			}
			finally {
				this.environments.release(environment);
			}
		}

		private ObjectNode event(List<Message> batch) {
			ObjectNode event = JSON.createObjectNode();
			ArrayNode records = event.putArray("Records");
			for (Message message : batch) {
				ObjectNode record = records.addObject();
				record.put("messageId", message.messageId());
				record.put("receiptHandle", message.receiptHandle());
				record.put("body", message.body());
				ObjectNode attributes = record.putObject("attributes");
				Map<String, String> system = message.attributesAsStrings();
				for (String name : ATTRIBUTES) {
					if (system.containsKey(name)) {
						attributes.put(name, system.get(name));
					}
				}
				ObjectNode messageAttributes = record.putObject("messageAttributes");
				message.messageAttributes()
					.forEach((name, value) -> attribute(messageAttributes.putObject(name), value));
				record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
				record.put("md5OfBody", message.md5OfBody());
				record.put("eventSource", "aws:sqs");
				record.put("eventSourceARN", this.mapping.queueArn());
				record.put("awsRegion", this.mapping.queueRegion());
			}
			return event;
		}

		private static void attribute(ObjectNode attribute, MessageAttributeValue value) {
			if (value.stringValue() != null) {
				attribute.put("stringValue", value.stringValue());
			}
			if (value.binaryValue() != null) {
				attribute.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
			}
			ArrayNode strings = attribute.putArray("stringListValues");
			value.stringListValues().forEach(strings::add);
			ArrayNode binaries = attribute.putArray("binaryListValues");
			value.binaryListValues()
				.forEach((binary) -> binaries.add(Base64.getEncoder().encodeToString(binary.asByteArray())));
			attribute.put("dataType", value.dataType());
		}

		/**
		 * The messages Lambda deletes after a successful invocation, or null when it fails
		 * the whole batch: an answer that is not JSON, or names an item that is empty, null
		 * or not in the batch.
		 */
		private List<Message> done(List<Message> batch, byte[] payload) {
			if (!this.mapping.reportFailures()) {
				return batch;
			}
			JsonNode failures;
			try {
				String answer = new String(payload, StandardCharsets.UTF_8).trim();
				failures = answer.isEmpty() ? null : JSON.readTree(answer).get("batchItemFailures");
			}
			catch (RuntimeException ex) {
				return null;
			}
			if (failures == null || failures.isNull()) {
				return batch;
			}
			if (!failures.isArray()) {
				return null;
			}
			Set<String> inBatch = new HashSet<>();
			batch.forEach((message) -> inBatch.add(message.messageId()));
			Set<String> failed = new HashSet<>();
			for (JsonNode failure : failures) {
				JsonNode id = failure.get("itemIdentifier");
				if (id == null || !id.isString() || !inBatch.contains(id.asString())) {
					return null;
				}
				failed.add(id.asString());
			}
			return batch.stream().filter((message) -> !failed.contains(message.messageId())).toList();
		}

		/** Makes what a poll brought after the stop visible again at once. */
		private void release(List<Message> batch) {
			for (int from = 0; from < batch.size(); from += 10) {
				List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
				for (int i = from; i < Math.min(from + 10, batch.size()); i++) {
					entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
						.id(String.valueOf(i))
						.receiptHandle(batch.get(i).receiptHandle())
						.visibilityTimeout(0)
						.build());
				}
				try {
					this.sqs.changeMessageVisibilityBatch(
							(request) -> request.queueUrl(this.queueUrl).entries(entries));
				}
				catch (SdkException ex) {
					say("%s: %d messages stay hidden for the visibility timeout (%s)", this.function.name(),
							entries.size(), ex.getClass().getSimpleName());
				}
			}
			say("%s: %d messages received while stopping are back on the queue", this.function.name(), batch.size());
		}

		private void delete(List<Message> done) {
			for (int from = 0; from < done.size(); from += 10) {
				List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
				for (int i = from; i < Math.min(from + 10, done.size()); i++) {
					entries.add(DeleteMessageBatchRequestEntry.builder()
						.id(String.valueOf(i))
						.receiptHandle(done.get(i).receiptHandle())
						.build());
				}
				try {
					DeleteMessageBatchResponse response = this.sqs
						.deleteMessageBatch((request) -> request.queueUrl(this.queueUrl).entries(entries));
					this.environments.counters.deleted.addAndGet(response.successful().size());
					if (response.hasFailed() && !response.failed().isEmpty()) {
						say("%s: %d deletes failed (%s)", this.function.name(), response.failed().size(),
								response.failed().get(0).code());
					}
				}
				catch (SdkException ex) {
					say("%s: %d deletes failed (%s)", this.function.name(), entries.size(),
							ex.getClass().getSimpleName());
				}
			}
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	private LocalLambda() {
	}

}
