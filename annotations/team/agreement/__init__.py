"""Inter-annotator agreement: `agreement(store, annotators, labels)` is the `agree --json` report.

measures.py holds the statistics (Cohen's kappa, Krippendorff's alpha, P/R/F1, tokens);
report.py reads the store and builds the report, every figure beside its document count.
"""

from annotations.team.agreement.measures import cohen_kappa, krippendorff_alpha_nominal
from annotations.team.agreement.report import NoSharedDocuments, agreement

__all__ = ["NoSharedDocuments", "agreement", "cohen_kappa", "krippendorff_alpha_nominal"]
