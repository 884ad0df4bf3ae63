package com.acme.mpc.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageFieldsTest {
    @Test
    void textLosesControlCharactersAndIsCutToItsBound() {
        assertThat(UsageFields.text("a\0b\tc\nd\u0085e\u007f", 512)).isEqualTo("abcde");
        assertThat(UsageFields.text("x".repeat(600), 512)).hasSize(512);
        assertThat(UsageFields.text("\0\n", 512)).isNull();
        assertThat(UsageFields.text("", 512)).isNull();
        assertThat(UsageFields.text(null, 512)).isNull();
        assertThat(UsageFields.text("plain", 512)).isEqualTo("plain");
    }

    @Test
    void aSurrogatePairIsNeverCutInHalfAndLoneSurrogatesGo() {
        String s = "ab" + "😀";
        assertThat(UsageFields.text(s, 3)).isEqualTo("ab");
        assertThat(UsageFields.text(s, 4)).isEqualTo(s);
        assertThat(UsageFields.text("a\uD83Db", 10)).isEqualTo("ab");
    }

    @Test
    void tagsAreCleanedDeduplicatedAndCapped() {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            tags.add("t" + i);
        }
        tags.add(0, "t1");
        tags.add(0, "\0");
        tags.add(0, "y".repeat(300));
        List<String> out = UsageFields.tags(tags);
        assertThat(out).hasSize(UsageFields.MAX_TAGS).doesNotHaveDuplicates();
        assertThat(out.get(0)).hasSize(UsageFields.MAX_TAG);
        assertThat(out.get(1)).isEqualTo("t1");
        assertThat(UsageFields.tags(List.of("\0", ""))).isNull();
    }
}
