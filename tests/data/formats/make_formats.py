"""Writes the data files of tests/loaders.rs's format checks: ARFF as Weka
writes it, whitespace-separated tables, files that are not text tables
(spreadsheets, archives, documents, UTF-16, images), malformed LIBSVM under
another name, and columns of names or ids. Beside them,
expected.json says what each must give: rows, features, target and the
first row's features (computed here, with Python's own readers where one
exists), or the words the error must contain.
Run from this folder: python3 make_formats.py"""
import csv
import io
import json
import tarfile
import zipfile

expected = {}


def w(name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(name, mode, **({} if mode == 'wb' else {'newline': ''})) as f:
        f.write(data)


def table(name, rows, target, first, features=None):
    expected[name] = {'rows': rows, 'target': target, 'first': first, 'features': features or len(first)}


def error(name, *needles):
    expected[name] = {'error': list(needles)}


# ---- ARFF as Weka writes it ----
weather = [('sunny', 85, 85, 'FALSE', 'no'), ('overcast', 83, 86, 'FALSE', 'yes'), ('rainy', 70, 96, 'TRUE', 'yes'),
           ('rainy', 65, 70, 'TRUE', 'no'), ('sunny', 69, 70, 'FALSE', 'yes')]
w('weka_quoted_spaces.arff', "@relation 'weather nominal'\n\n"
  "@attribute 'outlook' { 'sunny', 'overcast', 'rainy' }\n@attribute temperature numeric\n"
  "@attribute humidity numeric\n@attribute windy {'TRUE', 'FALSE'}\n@attribute play {'yes', 'no'}\n\n@data\n"
  + ''.join(f"  '{o}' , {t} , {h} , '{wd}' ,  '{p}'\n" for o, t, h, wd, p in weather))
# outlook one-hot (3) + temperature + humidity + windy one-hot (2) = 7 features
table('weka_quoted_spaces.arff', 5, 'play', [1, 0, 0, 85, 85, 0, 1], 7)
w('weka_double_quotes.arff', '@relation "double"\n@attribute "sepal length" real\n@attribute "kind" {"iris setosa", "iris virginica"}\n'
  '@data\n5.1, "iris setosa"\n6.3,"iris virginica"\n4.9 ,  "iris setosa"\n')
table('weka_double_quotes.arff', 3, 'kind', [5.1])
w('weka_escaped_quote.arff', "@relation esc\n@attribute x numeric\n@attribute name {'O\\'Brien', 'Smith'}\n@data\n1,'O\\'Brien'\n2,Smith\n3,'Smith'\n")
table('weka_escaped_quote.arff', 3, 'name', [1])
w('weka_uppercase.arff', '@RELATION Upper\n@ATTRIBUTE a NUMERIC\n@ATTRIBUTE b REAL\n@ATTRIBUTE c INTEGER\n@ATTRIBUTE y {0,1}\n@DATA\n1,2,3,0\n4,5,6,1\n')
table('weka_uppercase.arff', 2, 'y', [1, 2, 3])
w('weka_comments.arff', '% a data set\n% with comments\n@relation c\n% between\n@attribute a numeric\n@attribute y {p,q}\n@data\n% first row next\n1,p\n2,q\n%last\n3,p\n')
table('weka_comments.arff', 3, 'y', [1])
w('weka_missing.arff', '@relation m\n@attribute a numeric\n@attribute b numeric\n@attribute y {p,q}\n@data\n1,?,p\n2,3,q\n4,5,p\n')
table('weka_missing.arff', 2, 'y', [2, 3])  # the row with a missing value is dropped by default
w('weka_sparse.arff', '@relation s\n@attribute a numeric\n@attribute b numeric\n@attribute c numeric\n@attribute y {no,yes}\n@data\n{0 1.5, 3 yes}\n{1 2, 2 3, 3 no}\n{3 yes}\n')
table('weka_sparse.arff', 3, 'y', [1.5, 0, 0])
w('weka_string.arff', "@relation str\n@attribute colour string\n@attribute a numeric\n@attribute y {0,1}\n@data\n'red',1,0\n'blue',2,1\n'red',3,1\n")
table('weka_string.arff', 3, 'y', [1, 0, 1], 3)  # colour one-hot (red, blue: as they come) + a
w('weka_spaces_commas.arff', '@relation sp\n@attribute a numeric\n@attribute b numeric\n@attribute y {x,z}\n@data\n 1 ,  2 , x\n3,4 , z \n')
table('weka_spaces_commas.arff', 2, 'y', [1, 2])
w('weka_date.arff', '@relation d\n@attribute when date "yyyy-MM-dd"\n@attribute y {a,b}\n@data\n2020-01-01,a\n')
error('weka_date.arff', "line 2", "'when'", "dates are not supported")
w('weka_relational.arff', '@relation r\n@attribute bag relational\n  @attribute x numeric\n@end bag\n@attribute y {a,b}\n@data\n')
error('weka_relational.arff', "line 2", "'bag'", "relational")

# ---- whitespace-separated tables ----
def ws(name, text, target, header=True):
    w(name, text)
    lines = [l.split() for l in text.splitlines() if l.strip() and not l.lstrip().startswith('#')]
    body = lines[1:] if header else lines
    first = [float(v) for v in body[0][:-1]]
    table(name, len(body), target, first)


ws('ws_single_space.txt', 'a b y\n1 2 0\n3 4 1\n5 6 0\n', 'y')
ws('ws_aligned.dat', '   x1      x2    class\n  0.50    1.25      0\n 10.00   -3.50      1\n  7.75    0.00      1\n', 'class')
ws('ws_tabs_and_spaces.txt', 'p\t q  \tr target\n1 \t2\t 3  0\n4  5 6\t1\n', 'target')
ws('ws_no_header.txt', '1.5 2.5 0\n3.5 4.5 1\n5.5 6.5 0\n7.5 8.5 1\n', 'y', header=False)
ws('ws_trailing_spaces.txt', 'a  b  y   \n1  2  0   \n3  4  1   \n', 'y')
# Python's csv module, an independent reader, agrees on a space-delimited file without runs:
assert list(csv.reader(io.StringIO('a b y\n1 2 0\n'), delimiter=' '))[1] == ['1', '2', '0']

# ---- not text tables ----
def zipped(name, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for n, data in members:
            z.writestr(n, data)
    w(name, buf.getvalue())


zipped('spreadsheet.xlsx', [('[Content_Types].xml', '<Types/>'), ('xl/workbook.xml', '<workbook/>')])
error('spreadsheet.xlsx', 'cannot read the spreadsheet')
zipped('spreadsheet.ods', [('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'), ('content.xml', '<x/>')])
error('spreadsheet.ods', 'cannot read the spreadsheet')
zipped('archive.zip', [('data.csv', 'a,y\n1,0\n')])
error('archive.zip', 'ZIP archive', 'unpack it')
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
    data = b'a,y\n1,0\n2,1\n'
    info = tarfile.TarInfo('data.csv')
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
w('archive.tar', buf.getvalue())
error('archive.tar', 'tar archive', 'unpack it')
w('document.pdf', b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n')
error('document.pdf', 'PDF document')
w('utf16_bom.csv', 'a,b,y\n1,2,0\n3,4,1\n'.encode('utf-16'))
error('utf16_bom.csv', 'UTF-16', 'save it as UTF-8')
w('utf16_nobom.csv', 'a,b,y\n1,2,0\n3,4,1\n'.encode('utf-16-le'))
error('utf16_nobom.csv', 'UTF-16')
w('picture.png', b'\x89PNG\r\n\x1a\n' + bytes(range(64)))
error('picture.png', 'PNG image')
w('program.bin', b'\x7fELF\x02\x01\x01\x00' + bytes(100))
error('program.bin', 'a program')
w('nul_bytes.csv', b'a,b,y\n1,2,0\n\x00\x00\x00\x00garbage\x00\n')
error('nul_bytes.csv', 'binary data')

# ---- malformed LIBSVM under another name ----
w('malformed_libsvm.txt', '1 1:0.5 2:x\n-1 1:0.25 3:1\n')
error('malformed_libsvm.txt', 'line 1', "'x'")
w('libsvm_text_label.txt', 'python 2:2.5 4:1\njava 1:1 3:2\n')
error('libsvm_text_label.txt', 'line 1', "'python'")

# ---- a column with a different text in (almost) every row: an identifier, set aside as the rows' labels ----
names = [f'person {i}' for i in range(99)] + ['person 7']
w('names_100.csv', 'name,age,y\n' + ''.join(f'{n},{20 + i % 50},{i % 2}\n' for i, n in enumerate(names)))
table('names_100.csv', 100, 'y', [20])
w('ids_after_numbers.csv', 'id,a,y\n' + ''.join(f'{i},{i},0\n' for i in range(30)) + ''.join(f'x{i},{i},1\n' for i in range(60)))
table('ids_after_numbers.csv', 90, 'y', [0])

# ---- spreadsheets (written with openpyxl and odfpy; read back with them) ----
try:
    import openpyxl
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    rows = [['sepal', 'petal', 'kind'], [5.1, 1.4, 'setosa'], [7.0, 4.7, 'versicolor'], [6.3, 6.0, 'virginica'], [4.9, 1.5, 'setosa']]
    book = openpyxl.Workbook()
    first = book.active
    first.title = 'flowers'
    for r in rows:
        first.append(r)
    second = book.create_sheet('numbers')
    for r in [['a', 'b', 'y'], [1, 2, 0], [3, 4, 1]]:
        second.append(r)
    book.save('workbook.xlsx')
    back = [[c.value for c in row] for row in openpyxl.load_workbook('workbook.xlsx')['flowers'].iter_rows()]
    assert back == rows, back
    table('workbook.xlsx', 4, 'kind', [5.1, 1.4])

    bad = openpyxl.Workbook()
    bad.active.title = 'data'
    for r in [['x1', 'x2', 'y'], [1, 2, 0], [3, 'three', 1], [5, 6, 0], [7, 8, 1]]:
        bad.active.append(r)
    bad.save('text_in_numeric.xlsx')
    error('text_in_numeric.xlsx', "sheet 'data'", 'line 3, column 2', "'three'")

    doc = OpenDocumentSpreadsheet()
    t = Table(name='measures')
    for r in [['h', 'w', 'y'], [1.5, 2.5, 'a'], [3.5, 4.5, 'b'], [5.5, 6.5, 'a']]:
        tr = TableRow()
        for v in r:
            if isinstance(v, str):
                cell = TableCell(valuetype='string')
            else:
                cell = TableCell(valuetype='float', value=v)
            cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        t.addElement(tr)
    doc.spreadsheet.addElement(t)
    doc.save('measures.ods')
    table('measures.ods', 3, 'y', [1.5, 2.5])
    # A workbook saved under another name is still a workbook.
    with open('workbook.xlsx', 'rb') as f:
        w('workbook_named.csv', f.read())
    table('workbook_named.csv', 4, 'kind', [5.1, 1.4])
except ImportError:
    print('openpyxl and odfpy are needed for the spreadsheets (pip install openpyxl odfpy); kept as they are')
    for name, want in json.load(open('expected.json')).items():
        if name.endswith(('.xlsx', '.ods')) or name == 'workbook_named.csv':
            expected[name] = want

with open('expected.json', 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print(f'{len(expected)} files')
