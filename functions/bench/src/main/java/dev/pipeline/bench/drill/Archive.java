package dev.pipeline.bench.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the bucket holds of the accepted messages, read from the emulator's folder.
 */
final class Archive {

	private Archive() {
	}

	/**
	 * Waits until every accepted message is an object, or until none has appeared for a
	 * while, then compares.
	 * @param bucket the bucket's folder
	 * @param accepted key to data, as the API answered
	 * @param quiet how long without a new object means the worker is done (messages of a
	 * killed worker come back after the queue's visibility timeout)
	 * @return what was found
	 */
	static Stored check(Path bucket, Map<String, String> accepted, Duration quiet) throws InterruptedException {
		Set<String> missing = new HashSet<>(accepted.keySet());
		long lastProgress = System.nanoTime();
		while (!missing.isEmpty() && System.nanoTime() - lastProgress < quiet.toNanos()) {
			if (missing.removeIf((key) -> Files.isRegularFile(bucket.resolve(key)))) {
				lastProgress = System.nanoTime();
			}
			TimeUnit.MILLISECONDS.sleep(250);
		}
		long mismatched = accepted.entrySet()
			.stream()
			.filter((entry) -> !missing.contains(entry.getKey()))
			.filter((entry) -> !entry.getValue().equals(read(bucket.resolve(entry.getKey()))))
			.count();
		return new Stored(accepted.size() - missing.size(), missing.size(), mismatched, 0);
	}

	/**
	 * Counts the objects of one traffic's messages that its clients were not told of.
	 * @param bucket the bucket's folder
	 * @param accepted key to data, as the API answered that traffic's clients
	 * @param drill the traffic's name, in each of its messages
	 * @return objects of the traffic whose key no 202 carried
	 */
	static long unconfirmed(Path bucket, Map<String, String> accepted, String drill) {
		String mark = "\"drill\":\"" + drill + "\"";
		return keys(bucket).stream()
			.filter((key) -> !accepted.containsKey(key))
			.filter((key) -> read(bucket.resolve(key)).contains(mark))
			.count();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Set<String> keys(Path bucket) {
		Path folder = bucket.resolve("emails");
		if (!Files.isDirectory(folder)) {
			return Set.of();
		}
		try (Stream<Path> files = Files.walk(folder)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> bucket.relativize(file).toString().replace('\\', '/'))
				.collect(Collectors.toSet());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * @param stored accepted messages found, byte for byte or not
	 * @param lost accepted messages not found
	 * @param mismatched found with other bytes than were sent
	 * @param unconfirmed objects of messages whose client heard no 202 (its connection
	 * failed after the message was queued): stored, never confirmed
	 */
	record Stored(long stored, long lost, long mismatched, long unconfirmed) {
	}

}
