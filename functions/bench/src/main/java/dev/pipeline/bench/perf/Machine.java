package dev.pipeline.bench.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a run measured, printed with its figures.
 *
 * @param cores processors available to the JVM
 * @param memoryGib total memory
 * @param jdk the JDK the benchmark and the services ran on
 * @param os operating system and architecture
 */
record Machine(int cores, long memoryGib, String jdk, String os) {

	static Machine current() {
		return new Machine(Runtime.getRuntime().availableProcessors(), totalMemoryGib(), Runtime.version().toString(),
				System.getProperty("os.name") + " " + System.getProperty("os.arch"));
	}

	private static long totalMemoryGib() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
				}
			}
			return -1;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String toString() {
		return String.format("%d cores, %d GiB, JDK %s, %s", this.cores, this.memoryGib, this.jdk, this.os);
	}

}
