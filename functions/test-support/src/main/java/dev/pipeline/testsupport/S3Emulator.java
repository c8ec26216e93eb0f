package dev.pipeline.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * s3proxy in this JVM, speaking the S3 REST protocol on a loopback port, backed by memory
 * or by a folder whose files are the objects.
 */
public final class S3Emulator implements AutoCloseable {

	private final S3Proxy proxy;

	private final URI endpoint;

	private S3Emulator(S3Proxy proxy) {
		this.proxy = proxy;
		this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
	}

	/**
	 * Starts an emulator on a free port that keeps objects in memory.
	 * @return the running emulator
	 */
	public static S3Emulator inMemory() {
		return start("transient-nio2", new Properties(), 0);
	}

	/**
	 * Starts an emulator whose buckets are folders of {@code directory}.
	 * @param directory where buckets live, created if missing
	 * @param port the port, or 0 for any free one
	 * @return the running emulator
	 */
	public static S3Emulator onDisk(Path directory, int port) {
		Properties properties = new Properties();
		Path base = directory.toAbsolutePath().normalize();
		base.toFile().mkdirs();
		properties.setProperty("jclouds.filesystem.basedir", base.toString());
		return start("filesystem-nio2", properties, port);
	}

	private static S3Emulator start(String provider, Properties properties, int port) {
		properties.setProperty("jclouds.identity", "local");
		properties.setProperty("jclouds.credential", "local");
		S3Proxy proxy = S3Proxy.builder()
			.blobStore(BlobStores.create(provider, properties))
			.endpoint(URI.create("http://127.0.0.1:" + port))
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "local", "local")
			.jettyMaxThreads(64)
			.build();
		try {
			proxy.start();
			while (!"STARTED".equals(proxy.getState())) {
				Thread.onSpinWait();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("s3proxy did not start", ex);
		}
		return new S3Emulator(proxy);
	}

	/**
	 * Returns the endpoint to give the SDK ({@code AWS_ENDPOINT_URL_S3}).
	 * @return the endpoint
	 */
	public URI endpoint() {
		return this.endpoint;
	}

	/**
	 * Creates a client of this emulator (path-style); the caller closes it.
	 * @return a new client
	 */
	public S3Client client() {
		return S3Client.builder()
			.endpointOverride(this.endpoint)
			.region(Aws.REGION)
			.credentialsProvider(Aws.CREDENTIALS)
			.forcePathStyle(true)
			.build();
	}

	/**
	 * Creates a bucket unless it exists.
	 * @param name the bucket name
	 */
	public void createBucket(String name) {
		try (S3Client s3 = client()) {
			s3.createBucket((request) -> request.bucket(name));
		}
		catch (BucketAlreadyOwnedByYouException ex) {
			// already there
		}
	}

	@Override
	public void close() {
		try {
			this.proxy.stop();
		}
		catch (Exception ex) {
			throw new IllegalStateException("s3proxy did not stop", ex);
		}
	}

}
