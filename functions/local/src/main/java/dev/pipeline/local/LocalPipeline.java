package dev.pipeline.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.ParentWatch;
import dev.pipeline.testsupport.Aws;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;

/**
 * The whole pipeline on one machine, with no AWS account and no Docker: ElasticMQ for SQS
 * (queue and dead-letter queue), s3proxy for S3 (a bucket that is a folder on disk) and a
 * stub of SSM Parameter Store holding the token run in this process; the API and the
 * worker run as their own processes from their executable jars, configured by environment
 * variables exactly as their containers are.
 */
public final class LocalPipeline implements AutoCloseable {

	public static final String QUEUE = "emails";

	public static final String BUCKET = "ingest-pipeline-archive";

	public static final String PARAMETER = "/ingest-pipeline/token";

	public static final int MAX_RECEIVE_COUNT = 5;

	public static final int VISIBILITY_TIMEOUT_SECONDS = 60;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

	private final Settings settings;

	private SqsEmulator sqs;

	private final SsmStub ssm;

	private S3Emulator s3;

	private final SqsEmulator.QueuePair queues;

	private final List<Service> services = new ArrayList<>();

	private LocalPipeline(Settings settings) {
		this.settings = settings;
		settings.ports().requireFree();
		if (settings.queueDatabase() != null) {
			this.sqs = startPersistentQueue(port(settings.ports().sqs()));
			this.queues = this.sqs.queuePair(QUEUE);
		}
		else {
			this.sqs = SqsEmulator.start(settings.ports().sqs());
			this.queues = this.sqs.createQueueWithDeadLetters(QUEUE, MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_SECONDS);
		}
		this.ssm = SsmStub.start(settings.ports().ssm());
		this.ssm.putSecureString(PARAMETER, settings.token());
		this.s3 = S3Emulator.onDisk(settings.storage(), settings.ports().s3());
		this.s3.createBucket(BUCKET);
	}

	/**
	 * Starts the emulators, then the worker and the API, and waits until both report
	 * healthy.
	 * @param settings where to keep objects, the token, the jars and the ports
	 * @return the running pipeline
	 */
	public static LocalPipeline start(Settings settings) {
		LocalPipeline pipeline = new LocalPipeline(settings);
		try {
			Ports ports = settings.ports();
			pipeline.services.add(pipeline.launch("worker", settings.workerCommand(), pipeline.workerEnvironment(),
					port(ports.worker())));
			pipeline.services
				.add(pipeline.launch("api", settings.apiCommand(), pipeline.apiEnvironment(), port(ports.api())));
			for (Service service : pipeline.services) {
				service.awaitHealthy(START_TIMEOUT);
			}
			return pipeline;
		}
		catch (RuntimeException ex) {
			pipeline.close();
			throw ex;
		}
	}

	/**
	 * Starts one more process of a service against these emulators.
	 * @param name a name for messages and the log file
	 * @param command the command line, e.g. {@code java -jar api.jar}
	 * @param api whether it is the API (else the worker)
	 * @return the started service, not yet healthy
	 */
	public Service launch(String name, List<String> command, boolean api) {
		return launch(name, command, api ? apiEnvironment() : workerEnvironment(), freePort());
	}

	private SqsEmulator startPersistentQueue(int port) {
		return SqsEmulator.persistent(this.settings.queueDatabase(), port, QUEUE, MAX_RECEIVE_COUNT,
				VISIBILITY_TIMEOUT_SECONDS);
	}

	/**
	 * Stops a service, with SIGTERM as ECS does or with SIGKILL as a crash does, and
	 * starts it again on the same port.
	 * @param name {@code api} or {@code worker}
	 * @param kill {@code true} for SIGKILL
	 * @return the new process, not yet healthy
	 */
	public Service replace(String name, boolean kill) {
		int index = "api".equals(name) ? 1 : 0;
		Service old = this.services.get(index);
		if (kill) {
			old.kill();
		}
		else {
			old.stop();
		}
		Service started = launch(name, "api".equals(name) ? this.settings.apiCommand() : this.settings.workerCommand(),
				"api".equals(name) ? apiEnvironment() : workerEnvironment(), old.url().getPort());
		this.services.set(index, started);
		return started;
	}

	/**
	 * An SQS outage: the queue's emulator stops; its messages stay in the database. Needs
	 * {@link Settings#withQueueDatabase}.
	 */
	public void stopQueue() {
		if (this.settings.queueDatabase() == null) {
			throw new IllegalStateException("An in-memory queue would lose its messages");
		}
		this.sqs.close();
	}

	/**
	 * Ends the outage of {@link #stopQueue()}: the emulator starts again on its port with
	 * the messages it had.
	 */
	public void startQueue() {
		this.sqs = startPersistentQueue(this.sqs.endpoint().getPort());
	}

	/**
	 * An S3 outage: the bucket's emulator stops; the objects stay in the folder.
	 */
	public void stopStorage() {
		this.s3.close();
	}

	/**
	 * Ends the outage of {@link #stopStorage()}.
	 */
	public void startStorage() {
		this.s3 = S3Emulator.onDisk(this.settings.storage(), this.s3.endpoint().getPort());
	}

	/**
	 * Stops the worker and returns how it was started, to start it again later.
	 * @return the stopped worker
	 */
	public Service stopWorker() {
		Service worker = this.services.get(0);
		worker.stop();
		return worker;
	}

	/**
	 * Starts the worker again after {@link #stopWorker()}.
	 * @return the new worker, not yet healthy
	 */
	public Service restartWorker() {
		Service worker = launch("worker", this.settings.workerCommand(), workerEnvironment(), freePort());
		this.services.set(0, worker);
		return worker;
	}

	private Service launch(String name, List<String> command, Map<String, String> environment, int port) {
		Map<String, String> env = new LinkedHashMap<>(environment);
		env.put("SERVER_PORT", Integer.toString(port));
		int managementPort = freePort();
		env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
		env.put(ParentWatch.ENV, "true");
		// As the image's start command does (functions/image/assemble.sh), unless set.
		if (System.getenv("MALLOC_ARENA_MAX") == null) {
			env.put("MALLOC_ARENA_MAX", "2");
		}
		ProcessBuilder builder = new ProcessBuilder(ownSession(command)).inheritIO()
			// Held open by this process: the service stops when it reads end of input,
			// that is when this launcher is gone, however it ended (ParentWatch).
			.redirectInput(ProcessBuilder.Redirect.PIPE);
		if (this.settings.logs() != null) {
			Path log = this.settings.logs().resolve(name + ".log");
			builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		}
		builder.environment().putAll(env);
		try {
			return new Service(name, builder.start(), URI.create("http://localhost:" + port),
					URI.create("http://localhost:" + managementPort), System.nanoTime());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start the " + name, ex);
		}
	}

	/**
	 * The command in a session of its own where {@code setsid} exists (Linux): Ctrl-C in
	 * the terminal then reaches only this launcher, which stops the API first, lets the
	 * worker drain, then stops the emulators. Elsewhere the services get the terminal's
	 * SIGINT too, at the same moment.
	 */
	static List<String> ownSession(List<String> command) {
		String setsid = SETSID.stream().filter((path) -> Files.isExecutable(Path.of(path))).findFirst().orElse(null);
		if (setsid == null) {
			return command;
		}
		List<String> own = new ArrayList<>();
		own.add(setsid);
		own.addAll(command);
		return own;
	}

	private Map<String, String> aws() {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("AWS_REGION", Aws.REGION.id());
		env.put("AWS_ACCESS_KEY_ID", "local");
		env.put("AWS_SECRET_ACCESS_KEY", "local");
		env.put("AWS_ENDPOINT_URL_SQS", this.sqs.endpoint().toString());
		env.put("AWS_ENDPOINT_URL_SSM", this.ssm.endpoint().toString());
		env.put("AWS_ENDPOINT_URL_S3", this.s3.endpoint().toString());
		return env;
	}

	private Map<String, String> apiEnvironment() {
		Map<String, String> env = aws();
		env.put("INGEST_QUEUE_NAME", QUEUE);
		env.put("INGEST_TOKEN_PARAMETER", PARAMETER);
		env.putAll(this.settings.apiEnvironment());
		return env;
	}

	private Map<String, String> workerEnvironment() {
		Map<String, String> env = aws();
		env.put("PERSIST_QUEUE_NAME", QUEUE);
		env.put("PERSIST_BUCKET_NAME", BUCKET);
		env.putAll(this.settings.workerEnvironment());
		return env;
	}

	public URI apiUrl() {
		return this.services.get(1).url();
	}

	public URI workerUrl() {
		return this.services.get(0).url();
	}

	public List<Service> services() {
		return List.copyOf(this.services);
	}

	public URI sqsEndpoint() {
		return this.sqs.endpoint();
	}

	public URI s3Endpoint() {
		return this.s3.endpoint();
	}

	public URI ssmEndpoint() {
		return this.ssm.endpoint();
	}

	public SqsEmulator.QueuePair queues() {
		return this.queues;
	}

	/**
	 * Counts a queue's messages, visible or in flight.
	 * @param queueUrl {@link #queues()}' queue or dead-letter queue
	 * @return the count
	 */
	public int queueDepth(String queueUrl) {
		return this.sqs.depth(queueUrl);
	}

	public String token() {
		return this.settings.token();
	}

	/**
	 * Returns the folder that holds the bucket's objects as files.
	 * @return the bucket's folder
	 */
	public Path bucketFolder() {
		return this.settings.storage().toAbsolutePath().normalize().resolve(BUCKET);
	}

	/**
	 * Stops the API first (no new messages), then the worker (in-flight messages finish
	 * and are deleted), each with SIGTERM as ECS does, then the emulators. Messages still
	 * queued stay in the queue's database when there is one (else they are dropped with
	 * the emulator's memory); stored objects stay in the folder.
	 */
	@Override
	public void close() {
		for (int i = this.services.size() - 1; i >= 0; i--) {
			this.services.get(i).stop();
		}
		this.s3.close();
		this.ssm.close();
		this.sqs.close();
	}

	private static int port(int port) {
		return (port != 0) ? port : freePort();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One service process.
	 *
	 * @param name {@code api} or {@code worker}
	 * @param process the process
	 * @param url its base URL
	 * @param managementUrl its actuator's base URL
	 * @param launchedAt {@link System#nanoTime()} at launch
	 */
	public record Service(String name, Process process, URI url, URI managementUrl, long launchedAt) {

		/**
		 * Waits until {@code GET /health} answers 200.
		 * @param timeout how long to wait
		 * @return the time from launch to healthy
		 */
		public Duration awaitHealthy(Duration timeout) {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
			HttpRequest request = HttpRequest.newBuilder(this.url.resolve("/health"))
				.timeout(Duration.ofSeconds(2))
				.build();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("The " + this.name + " exited with " + this.process.exitValue());
				}
				try {
					if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						return Duration.ofNanos(System.nanoTime() - this.launchedAt);
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				try {
					this.process.waitFor(50, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			throw new IllegalStateException("The " + this.name + " was not healthy within " + timeout);
		}

		/**
		 * Stops the process with SIGKILL, as a crash or an out-of-memory kill does.
		 */
		public void kill() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/**
		 * Stops the process with SIGTERM and waits for it.
		 */
		public void stop() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(40, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * How to run it.
	 *
	 * @param storage the folder that holds the buckets
	 * @param token the token stored in the emulated SSM parameter
	 * @param ports where each part listens
	 * @param apiCommand the command that starts the API, e.g. {@code java -jar api.jar}
	 * @param workerCommand the command that starts the worker
	 * @param apiEnvironment extra API settings
	 * @param workerEnvironment extra worker settings
	 * @param logs a folder for the services' output, or {@code null} to share this
	 * process's
	 * @param queueDatabase the file that keeps the queue's messages across runs, or
	 * {@code null} to keep them in memory only
	 */
	public record Settings(Path storage, String token, Ports ports, List<String> apiCommand, List<String> workerCommand,
			Map<String, String> apiEnvironment, Map<String, String> workerEnvironment, Path logs, Path queueDatabase) {

		/**
		 * The services' JVM options, from {@code functions/jvm.options}, the file the
		 * container images use too: a heap of half the container's memory, the serial
		 * collector (one or two vCPUs), a bounded code cache, small thread stacks and one
		 * Netty buffer arena.
		 */
		public static final List<String> JVM_OPTIONS = readJvmOptions();

		/**
		 * The memory each local service sizes its heap from, as a task of 512 MiB would.
		 */
		static final String LOCAL_MAX_RAM = "512m";

		/**
		 * Settings that start the executable jars where the build leaves them under
		 * {@code root}, with the JDK running this process.
		 * @param root the repository root
		 * @param storage the folder that holds the buckets
		 * @param token the token
		 * @param ports the ports
		 * @return the settings
		 */
		public static Settings of(Path root, Path storage, String token, Ports ports) {
			return new Settings(storage, token, ports, javaJar(jar(root, "api")), javaJar(jar(root, "worker")),
					Map.of(), Map.of(), null, null);
		}

		/**
		 * Returns these settings with the services' output going to files.
		 * @param folder where {@code api.log} and {@code worker.log} are written
		 * @return the new settings
		 */
		public Settings withLogs(Path folder) {
			return new Settings(this.storage, this.token, this.ports, this.apiCommand, this.workerCommand,
					this.apiEnvironment, this.workerEnvironment, folder, this.queueDatabase);
		}

		/**
		 * Returns these settings with extra environment for the services.
		 * @param api extra API settings
		 * @param worker extra worker settings
		 * @return the new settings
		 */
		public Settings withEnvironment(Map<String, String> api, Map<String, String> worker) {
			return new Settings(this.storage, this.token, this.ports, this.apiCommand, this.workerCommand, api, worker,
					this.logs, this.queueDatabase);
		}

		/**
		 * Returns these settings with the queue kept in a database file, so messages
		 * still queued when the pipeline stops are delivered after the next start.
		 * @param database the database file (H2 adds {@code .mv.db})
		 * @return the new settings
		 */
		public Settings withQueueDatabase(Path database) {
			return new Settings(this.storage, this.token, this.ports, this.apiCommand, this.workerCommand,
					this.apiEnvironment, this.workerEnvironment, this.logs, database);
		}

		/**
		 * The command {@code java -jar <jar>} with the JDK running this process.
		 * @param jar the executable jar
		 * @return the command
		 */
		public static List<String> javaJar(Path jar) {
			if (!Files.isRegularFile(jar)) {
				throw new IllegalStateException(
						"No jar at " + jar.toAbsolutePath() + "; build it first with ./mvnw -DskipTests install");
			}
			List<String> command = new ArrayList<>();
			command.add(java());
			command.addAll(JVM_OPTIONS);
			// The heap is a share of the container's memory (jvm.options); here, of a
			// small task's, not of the whole machine.
			command.add("-XX:MaxRAM=" + LOCAL_MAX_RAM);
			command.add("-jar");
			command.add(jar.toAbsolutePath().toString());
			return command;
		}

		private static List<String> readJvmOptions() {
			try (var in = LocalPipeline.class.getResourceAsStream("/jvm.options")) {
				if (in == null) {
					throw new IllegalStateException("jvm.options is missing from the classpath");
				}
				return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
					.map(String::trim)
					.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
					.toList();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * The {@code java} of the JDK running this process.
		 * @return its path
		 */
		public static String java() {
			return ProcessHandle.current().info().command().orElse("java");
		}

		/**
		 * The executable jar of a module, as the build leaves it.
		 * @param root the repository root
		 * @param module {@code api} or {@code worker}
		 * @return the jar's path
		 */
		public static Path jar(Path root, String module) {
			Path target = root.resolve("functions").resolve(module).resolve("target").toAbsolutePath().normalize();
			try (var files = Files.list(target)) {
				return files.filter((file) -> file.getFileName().toString().endsWith("-exec.jar"))
					.findFirst()
					.orElse(target.resolve("pipeline-" + module + "-exec.jar"));
			}
			catch (IOException ex) {
				return target.resolve("pipeline-" + module + "-exec.jar");
			}
		}

	}

	/**
	 * Ports, 0 for any free one.
	 *
	 * @param api the API
	 * @param worker the worker
	 * @param sqs ElasticMQ
	 * @param s3 s3proxy
	 * @param ssm the SSM stub
	 */
	public record Ports(int api, int worker, int sqs, int s3, int ssm) {

		/** The ports README documents. */
		public static Ports defaults() {
			return new Ports(8080, 8081, 9324, 9000, 9326);
		}

		/** Free ports, for tests. */
		public static Ports any() {
			return new Ports(0, 0, 0, 0, 0);
		}

		/**
		 * Fails before anything starts if a fixed port is taken, typically by the API or
		 * the worker of an earlier run that was not stopped: a run must never take
		 * another process's {@code /health} for its own.
		 */
		void requireFree() {
			Map<String, Integer> fixed = new LinkedHashMap<>();
			fixed.put("api", this.api);
			fixed.put("worker", this.worker);
			fixed.put("sqs", this.sqs);
			fixed.put("s3", this.s3);
			fixed.put("ssm", this.ssm);
			fixed.forEach((name, port) -> {
				if (port == 0) {
					return;
				}
				try (ServerSocket socket = new ServerSocket()) {
					socket.setReuseAddress(true);
					socket.bind(new InetSocketAddress("127.0.0.1", port));
				}
				catch (IOException ex) {
					throw new IllegalStateException("Port " + port + " (" + name + ") is in use: is an earlier run "
							+ "still going? Stop it (for example: fuser -k " + port + "/tcp) and start again.");
				}
			});
		}

	}

}
