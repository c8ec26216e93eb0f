package dev.pipeline.api.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import dev.pipeline.api.Phases;
import dev.pipeline.api.http.IngestEdge;
import dev.pipeline.api.http.Rejection;
import dev.pipeline.core.BackgroundRetry;
import io.micrometer.core.instrument.MeterRegistry;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Checks a presented token against the current value in SSM.
 * <p>
 * Only a SHA-256 digest of the value is kept, and digests are compared in constant time,
 * so neither the value nor its length leaks through timing. The value is read again every
 * {@code ttl} in the background; a token that does not match may cause one extra read, at
 * most once per {@code cooldown}, so that a just-rotated token works at once. While SSM
 * cannot be read, the last value stays valid for {@code grace} after it was read.
 * <p>
 * On Lambda with SnapStart a function may be restored from a snapshot taken long before,
 * with a value read then, older than its grace: the value is read again in the restore
 * hook ({@link #afterRestore}), which the runtime runs before the first invocation, so
 * the first request is not a 503 while a background read is under way.
 */
public class TokenVerifier implements SmartLifecycle, Resource, IngestEdge.Readiness {

	private static final Logger logger = LoggerFactory.getLogger(TokenVerifier.class);

	private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

	private final TokenSource source;

	private final Clock clock;

	private final Duration ttl;

	private final Duration grace;

	private final Duration cooldown;

	private final MeterRegistry meters;

	private final ReentrantLock refreshLock = new ReentrantLock();

	private volatile Known known;

	private volatile Instant lastAttempt;

	private volatile BackgroundRetry refresher;

	TokenVerifier(TokenSource source, Clock clock, Duration ttl, Duration grace, Duration cooldown,
			MeterRegistry meters) {
		this.source = source;
		this.clock = clock;
		this.ttl = ttl;
		this.grace = grace;
		this.cooldown = cooldown;
		this.meters = meters;
		// The global context holds its resources weakly: this bean keeps itself
		// registered.
		Core.getGlobalContext().register(this);
	}

	/**
	 * Verifies a presented token.
	 * @param presented the token from the request, possibly {@code null}
	 * @throws Rejection if it is missing, empty or wrong (401)
	 * @throws Rejection.Unavailable if no valid value is known to compare with
	 */
	public void verify(String presented) {
		if (presented == null || presented.isEmpty()) {
			throw Rejection.invalidToken();
		}
		byte[] digest = digest(presented);
		if (matches(current(), digest)) {
			return;
		}
		if (refreshAfterMismatch() && matches(current(), digest)) {
			return;
		}
		throw Rejection.invalidToken();
	}

	/**
	 * Tells whether a valid value is known, so that requests can be verified.
	 * @return {@code true} once a value was read and while it is within its grace
	 */
	@Override
	public boolean isReady() {
		Known value = this.known;
		return value != null && !isExpired(value);
	}

	/**
	 * Reads the value now.
	 * @param trigger why, for the metric: {@code schedule} or {@code mismatch}
	 * @return whether the read succeeded
	 */
	boolean refresh(String trigger) {
		this.refreshLock.lock();
		try {
			this.lastAttempt = this.clock.instant();
			byte[] digest = digest(this.source.read());
			this.known = new Known(digest, this.clock.instant());
			count(trigger, "success");
			return true;
		}
		catch (RuntimeException ex) {
			count(trigger, "failure");
			logger.warn("Could not read the token ({}): {}; {}", trigger, ex.getClass().getSimpleName(),
					isReady() ? "keeping the cached value" : "no valid value is known");
			return false;
		}
		finally {
			this.refreshLock.unlock();
		}
	}

	private boolean refreshAfterMismatch() {
		this.refreshLock.lock();
		try {
			Instant last = this.lastAttempt;
			if (last != null && this.clock.instant().isBefore(last.plus(this.cooldown))) {
				return false;
			}
			return refresh("mismatch");
		}
		finally {
			this.refreshLock.unlock();
		}
	}

	private Known current() {
		Known value = this.known;
		if (value == null || isExpired(value)) {
			throw Rejection.unavailable("token", "The token cannot be read from SSM now",
					Duration.ofSeconds(Math.max(1, this.cooldown.toSeconds())), null);
		}
		return value;
	}

	private boolean isExpired(Known value) {
		return this.clock.instant().isAfter(value.readAt().plus(this.grace));
	}

	private static boolean matches(Known value, byte[] digest) {
		return MessageDigest.isEqual(value.digest(), digest);
	}

	private void count(String trigger, String outcome) {
		this.meters.counter("ingest.token.refreshes", "trigger", trigger, "outcome", outcome).increment();
	}

	/**
	 * Nothing to do before a snapshot: the digest is no secret, the value is never kept.
	 */
	@Override
	public void beforeCheckpoint(Context<? extends Resource> context) {
	}

	/**
	 * Reads the value at once after a restore from a snapshot, whose cached value may be
	 * older than its grace; if SSM cannot be read, the background refresh goes on trying.
	 */
	@Override
	public void afterRestore(Context<? extends Resource> context) {
		refresh("restore");
	}

	/**
	 * Reads the value now, then every TTL; after a failed read, again with backoff from
	 * one second up to the TTL.
	 */
	@Override
	public void start() {
		this.refresher = BackgroundRetry.every("token-refresh", FIRST_RETRY, this.ttl, (next) -> refresh("schedule"));
	}

	@Override
	public void stop() {
		BackgroundRetry loop = this.refresher;
		this.refresher = null;
		if (loop != null) {
			loop.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.refresher != null;
	}

	/** Stops after the web server has drained: see {@link Phases}. */
	@Override
	public int getPhase() {
		return Phases.REQUEST_DEPENDENCIES;
	}

	static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	private record Known(byte[] digest, Instant readAt) {
	}

}
