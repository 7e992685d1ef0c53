# CR_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
# Probe one compiler flag (with -Werror so an unknown one is refused).
AC_DEFUN([CR_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([cr_var], [cr_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [cr_var], [
    cr_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[]], [[return 0;]])],
      [AS_VAR_SET([cr_var], [yes])], [AS_VAR_SET([cr_var], [no])])
    CFLAGS=$cr_save_CFLAGS])
  AS_VAR_IF([cr_var], [yes], [$2], [$3])
  AS_VAR_POPDEF([cr_var])
])

# CR_CHECK_LDFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
AC_DEFUN([CR_CHECK_LDFLAG], [
  AS_VAR_PUSHDEF([cr_var], [cr_cv_ldflag_$1])
  AC_CACHE_CHECK([whether the linker accepts $1], [cr_var], [
    cr_save_LDFLAGS=$LDFLAGS
    LDFLAGS="$LDFLAGS -Werror $1"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[]], [[return 0;]])],
      [AS_VAR_SET([cr_var], [yes])], [AS_VAR_SET([cr_var], [no])])
    LDFLAGS=$cr_save_LDFLAGS])
  AS_VAR_IF([cr_var], [yes], [$2], [$3])
  AS_VAR_POPDEF([cr_var])
])
