package dev.pipeline.api.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.Phases;
import dev.pipeline.api.http.IngestEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.catalina.connector.Connector;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The drain window on SIGTERM, before Boot's graceful shutdown closes the port. While it
 * lasts, the {@link IngestEdge} answers new requests 503 with {@code Retry-After}, every
 * answer carries {@code Connection: close}, and {@code GET /health} is {@code DOWN}. A
 * client on a kept-alive connection thus gets an answer and reconnects (to another task
 * behind the load balancer) instead of writing into a connection the server is about to
 * close.
 * <p>
 * When the window ends, Tomcat's listening socket closes first, so a new connection is
 * refused rather than accepted and then closed unanswered; the connections already
 * accepted get their answers (for at most {@link #SETTLE}) before Boot's graceful
 * shutdown goes on.
 * <p>
 * The {@code Retry-After} of those 503s points past the moment the socket closes
 * ({@link #retryAfter()}). A client that honours it does not come back while the socket
 * is closing, when a connection it opens could sit in the kernel's accept queue and be
 * reset unanswered; it finds the port refused (or, behind the load balancer, another
 * task).
 */
@Component
@ConditionalOnWebApplication
class ShutdownDrain implements SmartLifecycle, IngestEdge.Stopping {

	/** How long accepted connections may take to send their request and be answered. */
	static final Duration SETTLE = Duration.ofSeconds(1);

	private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

	private final Duration drain;

	private final ApplicationContext context;

	private volatile boolean running;

	private volatile boolean draining;

	/** {@link System#nanoTime()} when the listening socket closes. */
	private volatile long closesAt;

	ShutdownDrain(ApiProperties properties, ApplicationContext context) {
		this.drain = properties.shutdown().drain();
		this.context = context;
	}

	/**
	 * Whether the server has been told to stop.
	 * @return {@code true} from SIGTERM on
	 */
	@Override
	public boolean isStopping() {
		return this.draining;
	}

	/**
	 * When a client told to go away now should come back: once the listening socket has
	 * closed, with a second's margin, in whole seconds.
	 * @return at least one second
	 */
	@Override
	public Duration retryAfter() {
		long left = Math.max(0, this.closesAt - System.nanoTime());
		return Duration.ofSeconds(1 + (left + 999_999_999L) / 1_000_000_000L);
	}

	@Override
	public void start() {
		this.draining = false;
		this.running = true;
	}

	@Override
	public void stop() {
		this.draining = true;
		this.running = false;
	}

	@Override
	public void stop(Runnable callback) {
		this.closesAt = System.nanoTime() + this.drain.toNanos();
		this.draining = true;
		log.atInfo().addKeyValue("drainMillis", this.drain.toMillis()).log("Stopping: new requests get 503");
		CompletableFuture.runAsync(() -> {
			try {
				closePort();
			}
			finally {
				this.running = false;
				callback.run();
			}
		}, CompletableFuture.delayedExecutor(this.drain.toMillis(), TimeUnit.MILLISECONDS));
	}

	private void closePort() {
		if (this.context instanceof WebServerApplicationContext web
				&& web.getWebServer() instanceof TomcatWebServer tomcat) {
			Connector[] connectors = tomcat.getTomcat().getService().findConnectors();
			for (Connector connector : connectors) {
				connector.getProtocolHandler().closeServerSocketGraceful();
			}
			long left = SETTLE.toMillis();
			for (Connector connector : connectors) {
				left = connector.getProtocolHandler().awaitConnectionsClose(left);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Phases.DRAIN;
	}

}
