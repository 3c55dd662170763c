# Medians per binary of "BINARY VALUE" lines, in the order the binaries first appear.
#   awk -v scale=1024 -v format="median VmRSS %.1f MiB" -f bench/medians.awk RESULTS
# prints "BINARY: " and the median divided by scale (default 1) in the given printf format.
{
    if (!($1 in count)) order[++binaries] = $1
    values[$1, ++count[$1]] = $2
}
END {
    if (scale == "") scale = 1
    for (b = 1; b <= binaries; b++) {
        name = order[b]; n = count[name]
        for (i = 1; i <= n; i++) sorted[i] = values[name, i]
        for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) {
            swap = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = swap
        }
        median = (n % 2) ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
        printf "%s: " format "\n", name, median / scale
    }
}
