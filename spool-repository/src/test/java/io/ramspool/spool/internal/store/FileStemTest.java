package io.ramspool.spool.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Entry file names must stay what earlier versions wrote: recovery parses them back. */
class FileStemTest {
    @Property
    void aFileStemIsTheSequenceInSixteenHexadecimalDigits(@ForAll long sequence) {
        assertThat(SpoolStore.fileStem(sequence)).isEqualTo(String.format("%016x", sequence));
    }
}
