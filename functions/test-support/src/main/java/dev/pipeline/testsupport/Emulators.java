package dev.pipeline.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The emulators a test JVM shares: one ElasticMQ, one in-memory s3proxy and one SSM stub,
 * each started by its first user and stopped when JUnit's launcher session closes (this
 * class is registered as a {@link LauncherSessionListener} through
 * {@code META-INF/services}).
 * <p>
 * Test classes keep apart by name: each has its own queue, bucket and parameter. A class
 * that stops an emulator, makes it fail or counts its calls starts its own instead, since
 * a context another class left cached may still be talking to the shared one.
 */
public final class Emulators implements LauncherSessionListener {

	private static final List<AutoCloseable> started = new ArrayList<>();

	private static SqsEmulator sqs;

	private static S3Emulator s3;

	private static SsmStub ssm;

	/**
	 * Returns this JVM's ElasticMQ.
	 * @return the running emulator
	 */
	public static synchronized SqsEmulator sqs() {
		sqs = started(sqs, SqsEmulator::start);
		return sqs;
	}

	/**
	 * Returns this JVM's in-memory s3proxy.
	 * @return the running emulator
	 */
	public static synchronized S3Emulator s3() {
		s3 = started(s3, S3Emulator::inMemory);
		return s3;
	}

	/**
	 * Returns this JVM's SSM stub.
	 * @return the running stub
	 */
	public static synchronized SsmStub ssm() {
		ssm = started(ssm, SsmStub::start);
		return ssm;
	}

	private static <T extends AutoCloseable> T started(T running, Supplier<T> start) {
		if (running != null) {
			return running;
		}
		T emulator = start.get();
		started.add(emulator);
		return emulator;
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		stopAll();
	}

	static synchronized void stopAll() {
		IllegalStateException failure = null;
		for (int i = started.size() - 1; i >= 0; i--) {
			try {
				started.get(i).close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : new IllegalStateException("an emulator did not stop", ex);
			}
		}
		started.clear();
		sqs = null;
		s3 = null;
		ssm = null;
		if (failure != null) {
			throw failure;
		}
	}

}
