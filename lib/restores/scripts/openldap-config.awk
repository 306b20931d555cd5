# Kura (issue 15): an OpenLDAP 2.4 configuration dump (slapcat -n 0, cn=config) made what slapd 2.5 and later load with
# slapadd -n 0, following the OpenLDAP 2.5 Administrator's Guide, appendix B "Upgrading from 2.4.x", and what Debian's
# slapd maintainer scripts change across 2.5:
# - the ppolicy schema entry (cn={N}ppolicy,cn=schema,cn=config) goes: 2.5's ppolicy overlay defines that schema
#   itself, and both would clash; the schema entries after it are numbered again, without the gap;
# - the built-in schema definitions slapcat prints in cn=schema,cn=config itself go (the new slapd has its own);
# - bdb and hdb databases (both removed in 2.5) become mdb: the database's DN (and the DNs below it, its overlays), its
#   objectClass and olcDatabase, its olcDb* settings mdb does not know dropped, olcDbMaxSize (1 GiB, Debian's own
#   default for a new mdb database) added when absent; olcBackend entries for bdb or hdb go; olcModuleLoad of back_bdb
#   or back_hdb loads back_mdb instead (once);
# - olcModuleLoad lines for modules the new slapd has built in (-v builtin="NAME ...", from slapd -VVV) go;
# - olcMirrorMode is named olcMultiProvider, its 2.5 name.
# Folded lines are unfolded (slapadd reads long lines); base64 values ("name:: ...") pass as they are. Each change is
# said on stderr, "kura openldap config: ...".
# Usage: awk -v builtin="NAMES" -f openldap-config.awk CONFIG.ldif > CONVERTED.ldif

function say(text) {
  print "kura openldap config: " text > "/dev/stderr"
}

# The module a olcModuleLoad value names: "{3}/usr/lib/ldap/back_hdb.la" -> "back_hdb".
function module_name(value, name) {
  name = value
  sub(/^\{[0-9]+\}/, "", name)
  sub(/^.*\//, "", name)
  sub(/\.la$/, "", name)
  sub(/\.so(\.[0-9]+)*$/, "", name)
  return name
}

function is_builtin(name) {
  if (name in builtins) return 1
  return substr(name, 1, 5) == "back_" && (substr(name, 6) in builtins)
}

function flush(    i, l, dn, newdn, colon, name, value, rest, schema_name, schema_index, is_schema_child, db_entry,
                   db_below, has_max_size, loads_mdb, module_index, module, out, n_out) {
  if (count == 0) return
  dn = ""
  for (i = 1; i <= count; i++) {
    if (substr(line[i], 1, 4) == "dn: ") {
      dn = substr(line[i], 5)
      break
    }
  }
  if (dn ~ /^cn=\{[0-9]+\}ppolicy,cn=schema,cn=config$/) {
    say("dropped the ppolicy schema (" dn "): the ppolicy overlay of slapd 2.5 and later defines it")
    count = 0
    return
  }
  if (dn ~ /^olcBackend=\{[0-9]+\}[bh]db,cn=config$/) {
    say("dropped " dn ": the bdb and hdb backends are gone since slapd 2.5")
    count = 0
    return
  }
  newdn = dn
  is_schema_child = 0
  if (dn ~ /^cn=\{[0-9]+\}[^,]*,cn=schema,cn=config$/) {
    rest = dn
    sub(/^cn=\{[0-9]+\}/, "", rest)
    schema_name = rest
    sub(/,cn=schema,cn=config$/, "", schema_name)
    schema_index = schema_kept++
    newdn = "cn={" schema_index "}" rest
    is_schema_child = 1
  }
  db_entry = 0
  db_below = 0
  if (match(newdn, /olcDatabase=\{[0-9]+\}[bh]db,cn=config$/)) {
    rest = substr(newdn, RSTART, RLENGTH)
    sub(/[bh]db,cn=config$/, "mdb,cn=config", rest)
    if (RSTART == 1) {
      db_entry = 1
      say("database " dn " is now " rest ": the bdb and hdb backends are gone since slapd 2.5")
    } else db_below = 1
    newdn = substr(newdn, 1, RSTART - 1) rest
  }
  loads_mdb = 0
  for (i = 1; i <= count; i++) {
    if (tolower(substr(line[i], 1, 14)) == "olcmoduleload:" && module_name(substr(line[i], 16)) == "back_mdb") loads_mdb = 1
  }
  has_max_size = 0
  module_index = 0
  n_out = 0
  for (i = 1; i <= count; i++) {
    l = line[i]
    colon = index(l, ":")
    if (substr(l, 1, 1) == "#" || colon == 0 || substr(l, colon + 1, 1) == ":") {
      out[++n_out] = l
      continue
    }
    name = tolower(substr(l, 1, colon - 1))
    value = substr(l, colon + 1)
    sub(/^ +/, "", value)
    if (name == "dn") {
      out[++n_out] = "dn: " newdn
      continue
    }
    if (dn == "cn=schema,cn=config" && name ~ /^olc(attributetypes|objectclasses|ldapsyntaxes|objectidentifier|ditcontentrules)$/) {
      builtin_definitions++
      continue
    }
    if (is_schema_child && name == "cn") l = "cn: {" schema_index "}" schema_name
    if (name == "olcmirrormode") {
      l = "olcMultiProvider: " value
      say("olcMirrorMode of " newdn " is olcMultiProvider")
    }
    if (db_entry) {
      if ((name == "objectclass" || name == "structuralobjectclass") && value ~ /^olc[BbHh]dbConfig$/) l = substr(l, 1, colon) " olcMdbConfig"
      if (name == "olcdatabase") sub(/[bh]db$/, "mdb", l)
      if (name ~ /^olcdb/ && !(name in mdb_settings)) {
        say("dropped " substr(l, 1, colon - 1) " of " newdn ": mdb has no such setting")
        continue
      }
      if (name == "olcdbmaxsize") has_max_size = 1
    }
    if (name == "olcmoduleload") {
      module = module_name(value)
      if (module == "back_bdb" || module == "back_hdb") {
        if (loads_mdb) {
          say("dropped olcModuleLoad " module ": back_mdb is loaded already")
          continue
        }
        say("olcModuleLoad " module " is back_mdb")
        module = "back_mdb"
        value = "back_mdb"
        loads_mdb = 1
      }
      if (is_builtin(module)) {
        say("dropped olcModuleLoad " module ": this slapd has it built in")
        continue
      }
      sub(/^\{[0-9]+\}/, "", value)
      l = "olcModuleLoad: {" module_index++ "}" value
    }
    out[++n_out] = l
  }
  if (db_entry && !has_max_size) {
    out[++n_out] = "olcDbMaxSize: 1073741824"
    say("olcDbMaxSize of " newdn " is 1073741824 (1 GiB)")
  }
  if (printed++) print ""
  for (i = 1; i <= n_out; i++) print out[i]
  count = 0
}

BEGIN {
  n = split(builtin, names, " ")
  for (i = 1; i <= n; i++) builtins[names[i]] = 1
  split("olcdbdirectory olcdbcheckpoint olcdbnosync olcdbindex olcdbmode olcdbsearchstack olcdbmaxsize olcdbmaxreaders " \
    "olcdbenvflags olcdbrtxnsize olcdbmultival", known, " ")
  for (i in known) mdb_settings[known[i]] = 1
  count = 0
  schema_kept = 0
  printed = 0
  builtin_definitions = 0
}

{ sub(/\r$/, "") }

# A folded line continues the one before it.
/^ / {
  if (count > 0) line[count] = line[count] substr($0, 2)
  next
}

/^$/ {
  flush()
  next
}

{ line[++count] = $0 }

END {
  flush()
  if (builtin_definitions) say("dropped " builtin_definitions " built-in schema definition(s) of slapd 2.4 from cn=schema,cn=config")
}
