"""TimeML in and out: TempEval-3 style documents (``document``), kabar's expressions as TIMEX3
(``annotate``) and the TempEval-3 timex scores (``score``)."""
