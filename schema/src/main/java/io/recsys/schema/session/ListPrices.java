package io.recsys.schema.session;

import java.util.List;

/** Where each hotel's price stands within the list it was shown in. */
public final class ListPrices {

    private ListPrices() {
    }

    /** 1 for the cheapest; hotels of equal price share the mean of their ranks. */
    public static double[] ranks(List<Integer> prices) {
        double[] ranks = new double[prices.size()];
        for (int i = 0; i < ranks.length; i++) {
            int cheaper = 0;
            int equal = 0;
            for (int price : prices) {
                cheaper += price < prices.get(i) ? 1 : 0;
                equal += price == prices.get(i) ? 1 : 0;
            }
            ranks[i] = cheaper + (equal + 1) / 2.0;
        }
        return ranks;
    }

    /** Each price over the list's cheapest (1 for the cheapest); NaN throughout when the cheapest is free. */
    public static double[] overMinimum(List<Integer> prices) {
        int minimum = prices.stream().mapToInt(Integer::intValue).min().orElse(0);
        double[] ratios = new double[prices.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = minimum > 0 ? prices.get(i) / (double) minimum : Double.NaN;
        }
        return ratios;
    }
}
