package dev.seedbox.billing.topup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.billing.InvalidFieldException;
import org.junit.jupiter.api.Test;

class UsdAmountTest {

  @Test
  void parsesDecimalStringsExactlyIntoCents() {
    assertThat(UsdAmount.parse("amountUsd", "25").cents()).isEqualTo(2500);
    assertThat(UsdAmount.parse("amountUsd", "25.5").cents()).isEqualTo(2550);
    assertThat(UsdAmount.parse("amountUsd", "0.01").cents()).isEqualTo(1);
    assertThat(UsdAmount.parse("amountUsd", "19.99").cents()).isEqualTo(1999);
    assertThat(UsdAmount.parse("amountUsd", "10000.00").cents()).isEqualTo(UsdAmount.MAX_CENTS);
    assertThat(UsdAmount.parse("amountUsd", "25").toDecimal().toPlainString()).isEqualTo("25.00");
  }

  @Test
  void rejectsAnythingElseNamingTheField() {
    for (String bad : new String[] {"12.345", "-5", "abc", "0", "0.00", "", " 5", "1e3", "+5", ".5", "5.",
        "10000.01", "99999999999"}) {
      assertThatThrownBy(() -> UsdAmount.parse("amountUsd", bad)).as(bad)
          .isInstanceOf(InvalidFieldException.class)
          .extracting(e -> ((InvalidFieldException) e).field()).isEqualTo("amountUsd");
    }
    assertThatThrownBy(() -> UsdAmount.parse("amountUsd", null)).hasMessageContaining("required");
  }
}
